// The catalog module in a running kiod: its file, its health, its metrics,
// its backups, and inspection by another process while it runs.
#include "HttpClient.h"
#include "KiodProcess.h"
#include "SchemaMigrator.h"

#include <boost/test/unit_test.hpp>
#include <sqlite3.h>

#include <csignal>
#include <filesystem>

using namespace kiod::test;
namespace fs = std::filesystem;

namespace {

std::string catalogConfig(const TempDir& dir) {
    return baseConfig(dir, "metrics, catalog") + "[catalog]\nbackup.listener = api\n";
}

// A query's first column of the first row, read by this process (not kiod).
std::string queryReadOnly(const std::string& path, const std::string& sql) {
    sqlite3* db = nullptr;
    BOOST_REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    sqlite3_stmt* statement = nullptr;
    BOOST_REQUIRE_MESSAGE(sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK,
                          sqlite3_errmsg(db));
    std::string value;
    if (sqlite3_step(statement) == SQLITE_ROW) {
        value = reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
    }
    sqlite3_finalize(statement);
    sqlite3_close(db);
    return value;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(catalog)

BOOST_AUTO_TEST_CASE(creates_the_catalog_and_reports_ready) {
    TempDir dir;
    KiodProcess kiod(dir, catalogConfig(dir));
    BOOST_TEST(fs::exists(dir.file("var/catalog/model-store.db")));
    BOOST_TEST(get(kiod.url("api"), "/readyz/catalog").body == "ok");
    auto metrics = get(kiod.url("metrics"), "/metrics").body;
    for (const auto* name :
         {"catalog_persistent_volume_disk_space_used_bytes",
          "catalog_persistent_volume_disk_space_available_bytes",
          "catalog_persistent_volume_free_space_percent", "kiod_catalog_wal_bytes",
          "kiod_catalog_write_queue_depth", "kiod_catalog_change_log_entries",
          "kiod_catalog_commit_batch_size", "kiod_catalog_last_backup_timestamp_seconds"}) {
        BOOST_TEST(metrics.find(std::string("\n# TYPE ") + name) != std::string::npos, name);
    }
    BOOST_TEST(metrics.find("kiod_module_up{module=\"catalog\"} 1") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(another_process_can_read_the_catalog_while_kiod_runs) {
    TempDir dir;
    KiodProcess kiod(dir, catalogConfig(dir));
    auto path = dir.file("var/catalog/model-store.db");
    BOOST_TEST(
        std::stoi(queryReadOnly(path, "SELECT value FROM meta WHERE key = 'SCHEMAVERSION'")) >= 1);
    BOOST_TEST(queryReadOnly(path, "SELECT count(*) FROM objects") == "0");
    BOOST_TEST(queryReadOnly(path, "PRAGMA journal_mode") == "wal");
    BOOST_TEST(get(kiod.url("api"), "/readyz/catalog").body == "ok");  // and kiod is none the worse
}

BOOST_AUTO_TEST_CASE(backup_endpoint_writes_a_checked_copy_with_its_checksum) {
    TempDir dir;
    KiodProcess kiod(dir, catalogConfig(dir));
    auto response = request(kiod.url("api"), "POST", "/catalog/backups");
    BOOST_TEST(response.status == 201, response.body);
    auto at = response.body.find("\"file\":\"") + 8;
    auto file = response.body.substr(at, response.body.find('"', at) - at);
    BOOST_TEST(fs::path(file).parent_path() == fs::path(dir.file("var/catalog/backups")));
    BOOST_TEST(queryReadOnly(file, "PRAGMA integrity_check") == "ok");
    BOOST_TEST(queryReadOnly(file, "SELECT value FROM meta WHERE key = 'SCHEMAVERSION'") ==
               queryReadOnly(dir.file("var/catalog/model-store.db"),
                             "SELECT value FROM meta WHERE key = 'SCHEMAVERSION'"));
    BOOST_TEST(fs::exists(file + ".sha256"));
    auto metrics = get(kiod.url("metrics"), "/metrics").body;
    BOOST_TEST(metrics.find("\nkiod_catalog_last_backup_bytes 0\n") == std::string::npos, metrics);
}

BOOST_AUTO_TEST_CASE(an_older_catalog_is_migrated_at_start_with_progress_shown_to_systemd) {
    TempDir dir;
    // A catalog at schema 1, as the first kiod left it.
    fs::create_directories(dir.file("var/catalog"));
    const auto& migrations = kiod::catalog::catalogMigrations();
    kiod::catalog::SchemaMigrator({migrations.front()}, [](const std::string&) {
    }).prepare(dir.file("var/catalog/model-store.db"));

    KiodProcess kiod(dir, catalogConfig(dir));
    auto reported = [&](const std::string& status) {
        for (const auto& message : kiod.startupNotifications()) {
            if (message.find("STATUS=catalog: " + status) != std::string::npos) {
                return true;
            }
        }
        return false;
    };
    for (const auto& migration : migrations) {
        if (migration.version > 1) {
            BOOST_TEST(reported("applying migration " + std::to_string(migration.version)));
        }
    }
    BOOST_TEST(queryReadOnly(dir.file("var/catalog/model-store.db"),
                             "SELECT value FROM meta WHERE key = 'SCHEMAVERSION'") ==
               std::to_string(migrations.back().version));
    BOOST_TEST(queryReadOnly(dir.file("var/catalog/model-store.db"),
                             "SELECT count(*) FROM action_counts") == "0");
    BOOST_TEST(get(kiod.url("api"), "/readyz/catalog").body == "ok");
}

BOOST_AUTO_TEST_CASE(a_catalog_newer_than_kiod_stops_start_up) {
    TempDir dir;
    {
        KiodProcess kiod(dir, catalogConfig(dir));
        kiod.signal(SIGTERM);
        BOOST_REQUIRE(kiod.waitExit(std::chrono::seconds(10)) == 0);
    }
    // A clean stop checkpoints the WAL into the file and removes it.
    BOOST_TEST(!fs::exists(dir.file("var/catalog/model-store.db-wal")));
    sqlite3* db = nullptr;
    sqlite3_open(dir.file("var/catalog/model-store.db").c_str(), &db);
    sqlite3_exec(db, "UPDATE meta SET value = '99' WHERE key = 'SCHEMAVERSION'", nullptr, nullptr,
                 nullptr);
    sqlite3_close(db);
    dir.write("kiod.ini", catalogConfig(dir));
    auto result = runKiod({"--config", dir.file("kiod.ini")});
    BOOST_TEST(result.exitCode != 0);
    BOOST_TEST(
        result.err.find("has schema version 99, newer than this kiod knows") != std::string::npos,
        result.err);
}

BOOST_AUTO_TEST_SUITE_END()
