#include "CatalogBackup.h"

#include "FileDigest.h"
#include "SqliteConnection.h"

#include <Poco/DateTimeFormatter.h>
#include <Poco/Format.h>
#include <Poco/Logger.h>
#include <Poco/Timestamp.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>

namespace kiod::catalog {

namespace fs = std::filesystem;

namespace {

constexpr const char* kPrefix = "model-store-";

}  // namespace

CatalogBackup::CatalogBackup(std::string catalogPath, std::string dir, int keep, Progress progress)
    : catalogPath_(std::move(catalogPath)),
      dir_(std::move(dir)),
      keep_(keep),
      progress_(std::move(progress)) {}

Result<BackupInfo> CatalogBackup::run() {
    std::lock_guard running(running_);
    auto started = std::chrono::steady_clock::now();
    auto now = Poco::Timestamp();
    std::string name = kPrefix + Poco::DateTimeFormatter::format(now, "%Y%m%dT%H%M%S%iZ") + ".db";
    std::string file = (fs::path(dir_) / name).string();
    std::string partial = file + ".partial";
    auto& log = Poco::Logger::get("kiod.catalog");
    try {
        fs::create_directories(dir_);
        fs::remove(partial);
        progress_("backup to " + file + " started");
        {
            SqliteConnection source(catalogPath_, SqliteConnection::Mode::kReadOnly);
            source.statement("VACUUM INTO ?1").bind(1, partial).step();
        }
        {
            SqliteConnection copy(partial, SqliteConnection::Mode::kReadOnly);
            auto check = copy.queryText("PRAGMA quick_check");
            if (check != "ok") {
                fs::remove(partial);
                return Status::unavailable("the backup copy failed quick_check: " + check);
            }
        }
        BackupInfo info;
        info.file = file;
        info.bytes = fs::file_size(partial);
        info.sha256 = sha256OfFile(partial);
        fs::rename(partial, file);
        std::ofstream(file + ".sha256") << info.sha256 << "  " << name << "\n";
        info.seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        info.finishedAt = now.epochTime();
        prune();
        progress_(Poco::format("backup %s done: %Lu bytes in %.1fs, sha256 %s", file,
                               static_cast<Poco::UInt64>(info.bytes), info.seconds, info.sha256));
        std::lock_guard lock(lastMutex_);
        last_ = info;
        return info;
    } catch (const std::exception& e) {
        std::error_code ignored;
        fs::remove(partial, ignored);
        log.error("backup to %s failed: %s", file, std::string(e.what()));
        return Status::unavailable("backup to " + file + " failed: " + e.what());
    }
}

BackupInfo CatalogBackup::last() const {
    std::lock_guard lock(lastMutex_);
    return last_;
}

void CatalogBackup::prune() const {
    std::vector<fs::path> backups;
    for (const auto& entry : fs::directory_iterator(dir_)) {
        auto name = entry.path().filename().string();
        if (name.starts_with(kPrefix) && name.ends_with(".db")) {
            backups.push_back(entry.path());
        }
    }
    // Names sort by time.
    std::sort(backups.begin(), backups.end());
    for (std::size_t i = 0; i + static_cast<std::size_t>(keep_) < backups.size(); ++i) {
        fs::remove(backups[i]);
        fs::remove(backups[i].string() + ".sha256");
    }
}

}  // namespace kiod::catalog
