// kiodctl: the catalog file, offline or beside a running kiod.
//
//   kiodctl inspect FILE            schema, revisions, size, objects per kind, wrapped keys
//                                   per key version
//   kiodctl verify FILE             integrity_check, schema, FILE.sha256 if present
//   kiodctl backup FILE DIR [KEEP]  a consistent copy while kiod runs, as its scheduled backups
//   kiodctl restore BACKUP FILE     verify BACKUP, then put it in place of FILE (kiod stopped)
//   kiodctl migrate FILE            bring FILE to this kiodctl's schema (kiod stopped)
//
// Exit codes: 0 done (verify: the file is sound); 1 verify found a
// problem; 64 bad command line; 69 the file is missing, in use by a
// running kiod, or the operation failed.
#include "CatalogBackup.h"
#include "FileDigest.h"
#include "FileSync.h"
#include "SchemaMigrator.h"
#include "SqliteConnection.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

using namespace kiod::catalog;
namespace fs = std::filesystem;

namespace {

constexpr int kOk = 0;
constexpr int kProblem = 1;
constexpr int kUsage = 64;
constexpr int kUnavailable = 69;

// What makes a command stop: its message and exit code.
struct Failure : std::runtime_error {
    Failure(int code, const std::string& message) : std::runtime_error(message), code(code) {}
    int code;
};

void requireFile(const std::string& path) {
    if (!fs::is_regular_file(path)) {
        throw Failure(kUnavailable, path + ": no such catalog file");
    }
}

// A running kiod keeps its catalog open in WAL mode; an exclusive lock
// cannot be had then. Checked before replacing or migrating a file.
void requireNotInUse(const std::string& path) {
    SqliteConnection db(path, SqliteConnection::Mode::kReadWrite);
    sqlite3_busy_timeout(db.handle(), 0);
    try {
        db.exec("PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; ROLLBACK");
    } catch (const SqliteError&) {
        throw Failure(kUnavailable, path + " is in use (is kiod running on it?): stop kiod first");
    }
}

// The problems found in a catalog file; empty when it is sound.
std::vector<std::string> problemsOf(const std::string& path) {
    std::vector<std::string> problems;
    if (std::ifstream sidecar(path + ".sha256"); sidecar) {
        std::string expected;
        sidecar >> expected;
        if (sha256OfFile(path) != expected) {
            problems.push_back("its sha256 is not the one in " + path + ".sha256");
        }
    }
    try {
        SqliteConnection db(path, SqliteConnection::Mode::kReadOnly);
        auto version = SchemaMigrator::schemaVersion(db);
        auto latest = catalogMigrations().back().version;
        if (version > latest) {
            problems.push_back("schema version " + std::to_string(version) +
                               " is newer than this kiodctl knows (" + std::to_string(latest) +
                               ")");
        }
        auto& check = db.statement("PRAGMA integrity_check");
        while (check.step()) {
            std::string line(check.text(0));
            if (line != "ok") {
                problems.push_back(line);
            }
        }
        check.reset();
    } catch (const std::exception& e) {
        // Not a catalog, or damaged past what integrity_check can list.
        problems.emplace_back(e.what());
    }
    return problems;
}

// Each row of `sql`, what is counted and how many, as a line "WHAT ROW COUNT".
void printCounts(SqliteConnection& db, const std::string& what, const std::string& sql) {
    auto& rows = db.statement(sql);
    while (rows.step()) {
        std::cout << what << " " << rows.text(0) << " " << rows.integer(1) << "\n";
    }
    rows.reset();
}

int inspect(const std::string& path) {
    requireFile(path);
    SqliteConnection db(path, SqliteConnection::Mode::kReadOnly);
    std::cout << "file " << path << "\n"
              << "bytes " << fs::file_size(path) << "\n"
              << "schema_version " << SchemaMigrator::schemaVersion(db) << "\n"
              << "revision " << db.queryInteger("SELECT coalesce(max(revision), 0) FROM changes")
              << "\n"
              << "compacted_revision "
              << db.queryInteger(
                     "SELECT coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE "
                     "key = 'COMPACTED_REVISION'), 0)")
              << "\n"
              << "change_log_entries " << db.queryInteger("SELECT count(*) FROM changes") << "\n"
              << "free_pages " << db.queryInteger("PRAGMA freelist_count") << "\n";
    // Counted through objects_by_resource: the index alone, never the rows.
    printCounts(db, "objects",
                "SELECT r.name, (SELECT count(*) FROM objects o WHERE o.resource_id = r.id) FROM "
                "resources r ORDER BY r.name");
    // Counted like the objects, through wrapped_keys_by_version alone: what
    // the keys are rather than what wrapped_key_counts says, and in a
    // catalog not yet at schema 4 too.
    printCounts(db, "wrapped_keys",
                "SELECT key_version, count(*) FROM wrapped_keys GROUP BY key_version ORDER BY "
                "key_version");
    return kOk;
}

int verify(const std::string& path) {
    requireFile(path);
    auto problems = problemsOf(path);
    if (problems.empty()) {
        std::cout << path << ": ok\n";
        return kOk;
    }
    for (const auto& problem : problems) {
        std::cerr << path << ": " << problem << "\n";
    }
    return kProblem;
}

int backup(const std::string& path, const std::string& dir, int keep) {
    requireFile(path);
    fs::create_directories(dir);
    CatalogBackup backups(path, dir, keep,
                          [](const std::string& message) { std::cerr << message << "\n"; });
    auto made = backups.run();
    if (!made.isOk()) {
        throw Failure(kUnavailable, made.status().message());
    }
    std::cout << made->file << "\n";
    return kOk;
}

int restore(const std::string& backupPath, const std::string& path) {
    requireFile(backupPath);
    auto problems = problemsOf(backupPath);
    if (!problems.empty()) {
        throw Failure(kUnavailable, backupPath + " is not a sound catalog (" + problems.front() +
                                        "); " + path + " is unchanged");
    }
    if (fs::exists(path)) {
        requireNotInUse(path);
    }
    // Copied aside and renamed into place: a crash midway leaves the old
    // file, never half of the backup under the catalog's name.
    std::string restoring = path + ".restoring";
    fs::create_directories(fs::absolute(path).parent_path());
    fs::copy_file(backupPath, restoring, fs::copy_options::overwrite_existing);
    if (!syncPath(restoring)) {
        throw Failure(kUnavailable, "cannot sync " + restoring + "; " + path + " is unchanged");
    }
    // The old file's WAL and shared memory belong to the old file.
    std::error_code ignored;
    fs::remove(path + "-wal", ignored);
    fs::remove(path + "-shm", ignored);
    fs::rename(restoring, path);
    if (!syncPath(directoryOf(path))) {
        throw Failure(kUnavailable, "restored, but cannot sync the directory of " + path);
    }
    std::cout << path << ": restored from " << backupPath << "\n";
    return kOk;
}

int migrate(const std::string& path) {
    requireFile(path);
    requireNotInUse(path);
    try {
        SchemaMigrator(catalogMigrations(), [](const std::string& message) {
            std::cerr << message << "\n";
        }).prepare(path);
    } catch (const MigrationError& e) {
        throw Failure(kUnavailable, e.what());
    }
    SqliteConnection db(path, SqliteConnection::Mode::kReadOnly);
    std::cout << path << ": schema version " << SchemaMigrator::schemaVersion(db) << "\n";
    return kOk;
}

int usage() {
    std::cerr << "usage: kiodctl inspect FILE\n"
                 "       kiodctl verify FILE\n"
                 "       kiodctl backup FILE DIR [KEEP]\n"
                 "       kiodctl restore BACKUP FILE\n"
                 "       kiodctl migrate FILE\n";
    return kUsage;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty()) {
        return usage();
    }
    const auto& command = args[0];
    try {
        if (command == "inspect" && args.size() == 2) {
            return inspect(args[1]);
        }
        if (command == "verify" && args.size() == 2) {
            return verify(args[1]);
        }
        if (command == "backup" && (args.size() == 3 || args.size() == 4)) {
            // Without KEEP, every backup in DIR stays.
            int keep = std::numeric_limits<int>::max();
            if (args.size() == 4) {
                try {
                    keep = std::stoi(args[3]);
                } catch (const std::exception&) {
                    keep = 0;
                }
                if (keep < 1) {
                    std::cerr << "kiodctl: KEEP must be how many backups to keep (1 or more)\n";
                    return kUsage;
                }
            }
            return backup(args[1], args[2], keep);
        }
        if (command == "restore" && args.size() == 3) {
            return restore(args[1], args[2]);
        }
        if (command == "migrate" && args.size() == 2) {
            return migrate(args[1]);
        }
        return usage();
    } catch (const Failure& e) {
        std::cerr << "kiodctl: " << e.what() << "\n";
        return e.code;
    } catch (const std::exception& e) {
        std::cerr << "kiodctl: " << command << " failed: " << e.what() << "\n";
        return kUnavailable;
    }
}
