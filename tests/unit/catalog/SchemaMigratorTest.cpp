#include "SchemaMigrator.h"
#include "ScratchDirectory.h"
#include "SqliteConnection.h"
#include "SqliteObjectStore.h"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/mount.h>

using namespace kiod::catalog;
namespace fs = std::filesystem;

namespace {

struct CatalogDir : kiod::test::ScratchDirectory {
    std::string file = path + "/model-store.db";
};

std::string bytesOf(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
}

std::vector<std::string> messages;
SchemaMigrator::Progress record = [](const std::string& message) { messages.push_back(message); };

int versionOf(const std::string& path) {
    SqliteConnection connection(path, SqliteConnection::Mode::kReadOnly);
    return SchemaMigrator::schemaVersion(connection);
}

int latest() {
    return catalogMigrations().back().version;
}

// A catalog at the newest schema holding one wrapped key, k1.
void createWithOneKey(const std::string& path) {
    SchemaMigrator(catalogMigrations(), record).prepare(path);
    SqliteConnection connection(path, SqliteConnection::Mode::kReadWrite);
    connection.exec("INSERT INTO wrapped_keys VALUES('k1', 'owner', 1, x'00', 0)");
}

// The real schema, then a made-up next step.
std::vector<Migration> withStep(const std::string& sql) {
    auto migrations = catalogMigrations();
    migrations.push_back({migrations.back().version + 1, "test step", sql});
    return migrations;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(schema_migrator)

BOOST_AUTO_TEST_CASE(creates_a_new_catalog_at_the_latest_schema_in_wal_mode) {
    CatalogDir dir;
    SchemaMigrator(catalogMigrations(), record).prepare(dir.file);
    BOOST_TEST(versionOf(dir.file) == catalogMigrations().back().version);
    SqliteConnection connection(dir.file, SqliteConnection::Mode::kReadWrite);
    BOOST_TEST(connection.queryText("PRAGMA journal_mode") == "wal");
    BOOST_TEST(connection.queryInteger("PRAGMA auto_vacuum") == 2);  // incremental
    for (const auto* table :
         {"objects", "labels", "changes", "wrapped_keys", "wrapped_key_counts", "meta"}) {
        BOOST_TEST(connection.queryInteger(
                       std::string("SELECT count(*) FROM sqlite_schema WHERE name = '") + table +
                       "'") == 1,
                   table);
    }
    BOOST_TEST(!fs::exists(dir.file + ".creating"));
}

BOOST_AUTO_TEST_CASE(upgrades_an_older_catalog_keeping_its_data) {
    CatalogDir dir;
    createWithOneKey(dir.file);
    SchemaMigrator(withStep("ALTER TABLE wrapped_keys ADD COLUMN note TEXT"), record)
        .prepare(dir.file);
    BOOST_TEST(versionOf(dir.file) == latest() + 1);
    SqliteConnection connection(dir.file, SqliteConnection::Mode::kReadOnly);
    BOOST_TEST(connection.queryText("SELECT id FROM wrapped_keys WHERE note IS NULL") == "k1");
    BOOST_TEST(!fs::exists(dir.file + ".migrating"));
}

BOOST_AUTO_TEST_CASE(failed_migration_leaves_the_original_byte_identical) {
    CatalogDir dir;
    createWithOneKey(dir.file);
    auto before = bytesOf(dir.file);
    try {
        SchemaMigrator(withStep("ALTER TABLE no_such_table ADD COLUMN x TEXT"), record)
            .prepare(dir.file);
        BOOST_ERROR("the broken migration succeeded");
    } catch (const MigrationError& e) {
        std::string message = e.what();
        BOOST_TEST(message.find("migration " + std::to_string(latest() + 1) +
                                " (test step) failed") != std::string::npos,
                   message);
        BOOST_TEST(message.find("no_such_table") != std::string::npos, message);
        BOOST_TEST(message.find(dir.file + " is unchanged") != std::string::npos, message);
    }
    BOOST_TEST((bytesOf(dir.file) == before));
    BOOST_TEST(versionOf(dir.file) == latest());
    BOOST_TEST(!fs::exists(dir.file + ".migrating"));
}

BOOST_AUTO_TEST_CASE(newer_schema_is_refused) {
    CatalogDir dir;
    SchemaMigrator(withStep("SELECT 1"), record).prepare(dir.file);
    try {
        SchemaMigrator(catalogMigrations(), record).prepare(dir.file);
        BOOST_ERROR("a newer catalog was accepted");
    } catch (const MigrationError& e) {
        auto expected = "has schema version " + std::to_string(latest() + 1) +
                        ", newer than this kiod knows (" + std::to_string(latest()) + ")";
        BOOST_TEST(std::string(e.what()).find(expected) != std::string::npos, e.what());
    }
    BOOST_TEST(versionOf(dir.file) == latest() + 1);
}

BOOST_AUTO_TEST_CASE(schema_2_counts_the_actions_already_in_a_schema_1_catalog) {
    CatalogDir dir;
    std::vector<Migration> first(catalogMigrations().begin(), catalogMigrations().begin() + 1);
    SchemaMigrator(first, record).prepare(dir.file);
    {
        SqliteConnection connection(dir.file, SqliteConnection::Mode::kReadWrite);
        connection.exec(R"(
            INSERT INTO objects VALUES(1, 'backupactions.actions.kio.kasten.io', 'app', 'a', 'u1', 0, 1, 'Complete', NULL, '{}');
            INSERT INTO objects VALUES(2, 'backupactions.actions.kio.kasten.io', 'app', 'b', 'u2', 0, 2, 'Complete', NULL, '{}');
            INSERT INTO objects VALUES(3, 'exportactions.actions.kio.kasten.io', 'app', 'c', 'u3', 0, 3, 'Failed', NULL, '{}');
            INSERT INTO objects VALUES(4, 'restorepoints.apps.kio.kasten.io', 'app', 'd', 'u4', 0, 4, NULL, NULL, '{}');
            INSERT INTO labels VALUES('k10.kasten.io/policyName', 'daily', 1);
            INSERT INTO labels VALUES('k10.kasten.io/policyName', 'daily', 2);
        )");
    }
    SchemaMigrator(catalogMigrations(), record).prepare(dir.file);
    SqliteConnection connection(dir.file, SqliteConnection::Mode::kReadOnly);
    BOOST_TEST(connection.queryInteger(
                   "SELECT count FROM action_counts WHERE type = 'backup' AND status = "
                   "'complete' AND policy = 'daily' AND liveness = 'live'") == 2);
    BOOST_TEST(connection.queryInteger(
                   "SELECT count FROM action_counts WHERE type = 'export' AND status = "
                   "'failed' AND policy = ''") == 1);
    BOOST_TEST(connection.queryInteger("SELECT count(*) FROM action_counts") ==
               2);  // restore points are no actions
}

// A step that rewrites a large catalog runs for minutes in one transaction:
// progress keeps coming while it runs, not only when it starts.
BOOST_AUTO_TEST_CASE(a_long_migration_step_reports_progress_while_it_runs) {
    CatalogDir dir;
    createWithOneKey(dir.file);
    messages.clear();
    auto slow = withStep(
        "CREATE TABLE filler(n INTEGER, text TEXT); "
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000) "
        "INSERT INTO filler SELECT i, printf('%0100d', i) FROM n");
    SchemaMigrator(slow, record, std::chrono::milliseconds(0)).prepare(dir.file);
    auto during = std::count_if(messages.begin(), messages.end(), [](const std::string& message) {
        return message.find("applying migration " + std::to_string(latest() + 1) +
                            ": test step: ") == 0 &&
               message.find(" s, the copy at ") != std::string::npos;
    });
    BOOST_TEST(during > 0);
    BOOST_TEST(versionOf(dir.file) == latest() + 1);
}

// Schema 3 moves every object, label and change into new tables keyed by
// integer resources: the store must find them all afterwards.
BOOST_AUTO_TEST_CASE(schema_3_keeps_the_objects_labels_and_changes_of_a_schema_2_catalog) {
    CatalogDir dir;
    std::vector<Migration> two(catalogMigrations().begin(), catalogMigrations().begin() + 2);
    SchemaMigrator(two, record).prepare(dir.file);
    const std::string a =
        R"({"metadata":{"name":"a","namespace":"app","labels":{"k10.kasten.io/appName":"mysql"}}})";
    const std::string b =
        R"({"metadata":{"name":"b","namespace":"app","labels":{"k10.kasten.io/appName":"pg"}}})";
    {
        SqliteConnection connection(dir.file, SqliteConnection::Mode::kReadWrite);
        connection.exec(
            "INSERT INTO objects VALUES(1, 'backupactions.actions.kio.kasten.io', 'app', 'a', "
            "'u1', 0, 1, 'Complete', NULL, '" +
            a +
            "');"
            "INSERT INTO objects VALUES(2, 'restorepoints.apps.kio.kasten.io', 'app', 'b', "
            "'u2', 0, 2, NULL, NULL, '" +
            b +
            "');"
            "INSERT INTO labels VALUES('k10.kasten.io/appName', 'mysql', 1);"
            "INSERT INTO labels VALUES('k10.kasten.io/appName', 'pg', 2);"
            "INSERT INTO changes VALUES(1, 1, 'backupactions.actions.kio.kasten.io', 'app', 'a', "
            "'');"
            "INSERT INTO changes VALUES(2, 1, 'restorepoints.apps.kio.kasten.io', 'app', 'b', "
            "'');");
    }
    SchemaMigrator(catalogMigrations(), record).prepare(dir.file);
    SqliteObjectStore store({.path = dir.file});
    auto got = store.get({"backupactions.actions.kio.kasten.io", "app", "a"});
    BOOST_REQUIRE(got.isOk());
    BOOST_TEST(got->json == a);
    auto page = store.list({.resource = "restorepoints.apps.kio.kasten.io",
                            .labelSelector = "k10.kasten.io/appName=pg"});
    BOOST_REQUIRE(page.isOk());
    BOOST_REQUIRE(page->items.size() == 1u);
    BOOST_TEST(page->items[0].key.name == "b");
    auto watch = store.watch({.resource = "restorepoints.apps.kio.kasten.io"}).value();
    auto replayed = watch->next(std::chrono::milliseconds(1000));
    BOOST_REQUIRE((replayed.isOk() && replayed->has_value()));
    BOOST_TEST(replayed.value()->object.json == b);
    BOOST_TEST(store.currentRevision() == 2u);
    auto created = store.create({"backupactions.actions.kio.kasten.io", "app", "c"},
                                R"({"metadata":{"name":"c"}})");
    BOOST_TEST(created.isOk());
    BOOST_TEST(created->revision == 3u);
}

// Schema 4 counts the wrapped keys already there per version, and indexes
// them in (version, id) order: the store walks and counts them at once.
BOOST_AUTO_TEST_CASE(schema_4_counts_the_wrapped_keys_of_a_schema_3_catalog) {
    CatalogDir dir;
    std::vector<Migration> three(catalogMigrations().begin(), catalogMigrations().begin() + 3);
    SchemaMigrator(three, record).prepare(dir.file);
    {
        SqliteConnection connection(dir.file, SqliteConnection::Mode::kReadWrite);
        connection.exec(
            "INSERT INTO wrapped_keys VALUES('c', 'owner', 1, x'01', 0);"
            "INSERT INTO wrapped_keys VALUES('a', 'owner', 1, x'02', 0);"
            "INSERT INTO wrapped_keys VALUES('b', 'owner', 2, x'03', 0);"
            "INSERT INTO wrapped_keys VALUES('d', 'owner', 5, x'04', 0);");
    }
    SchemaMigrator(catalogMigrations(), record).prepare(dir.file);
    SqliteConnection connection(dir.file, SqliteConnection::Mode::kReadOnly);
    BOOST_TEST(connection.queryText("SELECT group_concat(name, ',') FROM (SELECT name FROM "
                                    "pragma_index_info('wrapped_keys_by_version') ORDER BY "
                                    "seqno)") == "key_version,id");
    BOOST_TEST(connection.queryText("SELECT group_concat(counted, ',') FROM (SELECT key_version "
                                    "|| ':' || count AS counted FROM wrapped_key_counts ORDER BY "
                                    "key_version)") == "1:2,2:1,5:1");
    SqliteObjectStore store({.path = dir.file});
    auto& keys = store.wrappedKeys();
    auto counts = keys.countByVersion();
    BOOST_REQUIRE(counts.isOk());
    BOOST_TEST((counts.value() == std::map<std::uint32_t, std::uint64_t>{{1, 2}, {2, 1}, {5, 1}}));
    auto older = keys.olderThan(5, {}, 10);
    BOOST_REQUIRE(older.isOk());
    std::vector<std::string> ids;
    for (const auto& key : older.value()) {
        ids.push_back(key.id);
    }
    BOOST_TEST((ids == std::vector<std::string>{"a", "c", "b"}));
    BOOST_REQUIRE(keys.put({"e", "owner", 5, {0x05}}).isOk());
    BOOST_TEST(keys.countByVersion().value().at(5) == 2u);
}

BOOST_AUTO_TEST_CASE(migration_without_room_for_the_copy_is_refused_saying_how_much_is_needed) {
    CatalogDir dir;
    // A 2 MiB file system, when this process may mount one; the catalog
    // takes more than half of it, so its copy cannot fit.
    std::string small = dir.path + "/small";
    fs::create_directory(small);
    if (mount("tmpfs", small.c_str(), "tmpfs", 0, "size=2m") != 0) {
        BOOST_TEST_MESSAGE("tmpfs not allowed here: nothing to check");
        return;
    }
    std::string path = small + "/model-store.db";
    SchemaMigrator(catalogMigrations(), record).prepare(path);
    {
        SqliteConnection connection(path, SqliteConnection::Mode::kReadWrite);
        connection.exec("INSERT INTO wrapped_keys VALUES('big', 'owner', 1, zeroblob(1200000), 0)");
    }
    auto before = bytesOf(path);
    try {
        SchemaMigrator(withStep("SELECT 1"), record).prepare(path);
        BOOST_ERROR("the migration ran without room for its copy");
    } catch (const MigrationError& e) {
        std::string message = e.what();
        BOOST_TEST(message.find("not enough free space in " + small) != std::string::npos, message);
        BOOST_TEST(message.find("MiB for the copy") != std::string::npos, message);
        BOOST_TEST(message.find(path + " is unchanged") != std::string::npos, message);
    }
    BOOST_TEST((bytesOf(path) == before));
    umount(small.c_str());
}

BOOST_AUTO_TEST_CASE(a_file_that_is_no_catalog_is_refused) {
    CatalogDir dir;
    {
        SqliteConnection other(dir.file, SqliteConnection::Mode::kReadWriteCreate);
        other.exec("CREATE TABLE something(x)");
    }
    BOOST_CHECK_EXCEPTION(SchemaMigrator(catalogMigrations(), record).prepare(dir.file),
                          MigrationError, [](const auto& e) {
                              return std::string(e.what()).find("is not a kiod catalog") !=
                                     std::string::npos;
                          });
}

BOOST_AUTO_TEST_SUITE_END()
