#include "SchemaMigrator.h"

#include "FileSync.h"
#include "SqliteConnection.h"

#include <fcntl.h>
#include <filesystem>
#include <sys/statvfs.h>
#include <unistd.h>

namespace kiod::catalog {

namespace fs = std::filesystem;

namespace {

// Makes a rename durable: the file's data first, then the directory entry.
void syncFile(const std::string& path) {
    if (!syncPath(path)) {
        throw MigrationError("cannot sync " + path);
    }
}

void removeDatabaseFiles(const std::string& path) {
    std::error_code ignored;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
        fs::remove(path + suffix, ignored);
    }
}

std::string human(std::uintmax_t bytes) {
    return std::to_string(bytes / (1024 * 1024)) + " MiB";
}

// While one migration step runs (one transaction that may rewrite every
// table of a catalog of hundreds of gigabytes), says every `interval` how
// long it has run and how much the copy has grown, from SQLite's progress
// handler on the migrating thread.
class StepProgress {
public:
    StepProgress(SqliteConnection& db, std::string step, std::string copy,
                 const SchemaMigrator::Progress& progress, std::chrono::milliseconds interval)
        : db_(db),
          step_(std::move(step)),
          copy_(std::move(copy)),
          progress_(progress),
          interval_(interval),
          started_(std::chrono::steady_clock::now()),
          last_(started_) {
        sqlite3_progress_handler(db_.handle(), kInstructions, &StepProgress::tick, this);
    }
    ~StepProgress() { sqlite3_progress_handler(db_.handle(), 0, nullptr, nullptr); }
    StepProgress(const StepProgress&) = delete;
    StepProgress& operator=(const StepProgress&) = delete;

private:
    // Virtual machine instructions between looks at the clock: well under
    // a millisecond of work.
    static constexpr int kInstructions = 100'000;

    static int tick(void* self) {
        static_cast<StepProgress*>(self)->report();
        return 0;  // never interrupts the step
    }

    void report() {
        auto now = std::chrono::steady_clock::now();
        if (now - last_ < interval_) {
            return;
        }
        last_ = now;
        std::error_code absent;
        auto written = fs::file_size(copy_, absent);
        written += fs::file_size(copy_ + "-wal", absent);
        auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now - started_).count();
        progress_(step_ + ": " + std::to_string(seconds) + " s, the copy at " +
                  human(absent ? 0 : written));
    }

    SqliteConnection& db_;
    std::string step_;
    std::string copy_;
    const SchemaMigrator::Progress& progress_;
    std::chrono::milliseconds interval_;
    std::chrono::steady_clock::time_point started_;
    std::chrono::steady_clock::time_point last_;
};

}  // namespace

SchemaMigrator::SchemaMigrator(const std::vector<Migration>& migrations, Progress progress,
                               std::chrono::milliseconds progressInterval)
    : migrations_(migrations),
      progress_(std::move(progress)),
      progressInterval_(progressInterval) {}

int SchemaMigrator::latestVersion() const {
    return migrations_.empty() ? 0 : migrations_.back().version;
}

int SchemaMigrator::schemaVersion(SqliteConnection& connection) {
    try {
        auto version = connection.queryText("SELECT value FROM meta WHERE key = 'SCHEMAVERSION'");
        if (!version.empty()) {
            return std::stoi(version);
        }
    } catch (const std::exception&) {
        // fall through: no meta table, or an unreadable value
    }
    throw MigrationError(connection.path() + " is not a kiod catalog (no SCHEMAVERSION in meta)");
}

void SchemaMigrator::prepare(const std::string& path) const {
    if (!fs::exists(path)) {
        create(path);
        return;
    }
    int version = 0;
    {
        SqliteConnection original(path, SqliteConnection::Mode::kReadOnly);
        version = schemaVersion(original);
    }
    if (version > latestVersion()) {
        throw MigrationError(path + " has schema version " + std::to_string(version) +
                             ", newer than this kiod knows (" + std::to_string(latestVersion()) +
                             "): run a kiod at least as new as the one that wrote it");
    }
    if (version < latestVersion()) {
        upgrade(path, version);
    }
}

void SchemaMigrator::apply(SqliteConnection& connection, const Migration& migration) const {
    connection.exec("BEGIN IMMEDIATE");
    try {
        connection.exec(migration.sql);
        connection
            .statement(
                "INSERT INTO meta(key, value) VALUES('SCHEMAVERSION', ?1) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value")
            .bind(1, std::to_string(migration.version))
            .step();
        connection.exec("COMMIT");
    } catch (...) {
        connection.exec("ROLLBACK");
        throw;
    }
}

void SchemaMigrator::create(const std::string& path) const {
    // Built aside and renamed into place, so that a crash while creating
    // never leaves a half-made catalog under the real name.
    std::string building = path + ".creating";
    removeDatabaseFiles(building);
    {
        SqliteConnection connection(building, SqliteConnection::Mode::kReadWriteCreate);
        // auto_vacuum can only be chosen before the first table exists.
        connection.exec("PRAGMA auto_vacuum = INCREMENTAL");
        connection.queryText("PRAGMA journal_mode = WAL");
        connection.exec("CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT");
        for (const auto& migration : migrations_) {
            apply(connection, migration);
        }
    }
    syncFile(building);
    fs::rename(building, path);
    syncFile(directoryOf(path));
    progress_("created catalog " + path + " at schema version " + std::to_string(latestVersion()));
}

void SchemaMigrator::upgrade(const std::string& path, int from) const {
    std::string copy = path + ".migrating";
    removeDatabaseFiles(copy);

    auto size = fs::file_size(path);
    std::error_code noWal;
    auto walSize = fs::file_size(path + "-wal", noWal);
    auto needed = size + (noWal ? 0 : walSize) + size / 10;
    struct statvfs disk {};
    std::string dir =
        fs::path(path).parent_path().empty() ? "." : fs::path(path).parent_path().string();
    if (statvfs(dir.c_str(), &disk) == 0 &&
        static_cast<std::uintmax_t>(disk.f_bavail) * disk.f_frsize < needed) {
        throw MigrationError("not enough free space in " + dir + " to migrate " + path + ": need " +
                             human(needed) + " for the copy, " +
                             human(static_cast<std::uintmax_t>(disk.f_bavail) * disk.f_frsize) +
                             " available; " + path + " is unchanged");
    }

    progress_("migrating catalog " + path + " from schema " + std::to_string(from) + " to " +
              std::to_string(latestVersion()) + ": copying " + human(size));
    try {
        {
            SqliteConnection source(path, SqliteConnection::Mode::kReadOnly);
            SqliteConnection target(copy, SqliteConnection::Mode::kReadWriteCreate);
            auto* backup = sqlite3_backup_init(target.handle(), "main", source.handle(), "main");
            if (!backup) {
                target.fail(sqlite3_errcode(target.handle()), "cannot start copying " + path);
            }
            // Stepped, for progress; nothing else writes the file meanwhile.
            int rc = SQLITE_OK;
            int lastPercent = -1;
            while ((rc = sqlite3_backup_step(backup, 16384)) == SQLITE_OK || rc == SQLITE_BUSY ||
                   rc == SQLITE_LOCKED) {
                int total = sqlite3_backup_pagecount(backup);
                int percent =
                    total ? 100 * (total - sqlite3_backup_remaining(backup)) / total : 100;
                if (percent / 10 != lastPercent / 10) {
                    progress_("copying " + path + ": " + std::to_string(percent) + "%");
                    lastPercent = percent;
                }
            }
            sqlite3_backup_finish(backup);
            if (rc != SQLITE_DONE) {
                throw SqliteError(rc, "copying " + path + " failed: " + sqlite3_errstr(rc));
            }
            target.queryText("PRAGMA journal_mode = WAL");
            for (const auto& migration : migrations_) {
                if (migration.version > from) {
                    auto step = "applying migration " + std::to_string(migration.version) + ": " +
                                migration.description;
                    progress_(step);
                    try {
                        StepProgress reporter(target, step, copy, progress_, progressInterval_);
                        apply(target, migration);
                    } catch (const std::exception& e) {
                        throw MigrationError("migration " + std::to_string(migration.version) +
                                             " (" + migration.description +
                                             ") failed: " + e.what());
                    }
                }
            }
        }
        // The original's WAL must be empty and gone before the swap, or the
        // new file would meet a WAL that belongs to the old one.
        {
            SqliteConnection original(path, SqliteConnection::Mode::kReadWrite);
            original.queryText("PRAGMA wal_checkpoint(TRUNCATE)");
        }
        syncFile(copy);
        fs::rename(copy, path);
        syncFile(dir);
    } catch (const MigrationError& e) {
        removeDatabaseFiles(copy);
        throw MigrationError(std::string(e.what()) + "; " + path + " is unchanged");
    } catch (const std::exception& e) {
        removeDatabaseFiles(copy);
        throw MigrationError("migrating " + path + " failed: " + e.what() + "; " + path +
                             " is unchanged");
    }
    progress_("catalog " + path + " is at schema version " + std::to_string(latestVersion()));
}

}  // namespace kiod::catalog
