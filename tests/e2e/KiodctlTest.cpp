// kiodctl on real catalog files: inspect, verify, backup, restore and
// migrate, and its refusals (a damaged file, a catalog kiod has open).
#include "KiodProcess.h"
#include "SchemaMigrator.h"
#include "SqliteObjectStore.h"
#include "TextContains.h"

#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>

using namespace kiod::test;
namespace fs = std::filesystem;

namespace {

const std::string kActions = "backupactions.actions.kio.kasten.io";

RunResult kiodctl(const std::vector<std::string>& args) {
    return runProgram(KIODCTL_BINARY, args);
}

// A catalog at `path` holding `count` BackupActions.
void makeCatalog(const std::string& path, int count) {
    fs::create_directories(fs::path(path).parent_path());
    kiod::catalog::SchemaMigrator(kiod::catalog::catalogMigrations(), [](const std::string&) {
    }).prepare(path);
    kiod::catalog::SqliteObjectStore store({.path = path});
    for (int i = 0; i < count; ++i) {
        auto name = "backup-" + std::to_string(i);
        auto json = R"({"metadata":{"name":")" + name +
                    R"(","namespace":"app"},"spec":{"detail":")" + std::string(900, 'x') + "\"}}";
        BOOST_REQUIRE(store.create({kActions, "app", name}, json).isOk());
    }
}

// Overwrites `length` bytes at `offset` of the file.
void damage(const std::string& path, std::streamoff offset, std::size_t length) {
    std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(offset);
    std::string garbage(length, '\x5a');
    file.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
}

std::string backupIn(const std::string& dir) {
    for (const auto& entry : fs::directory_iterator(dir)) {
        if (entry.path().extension() == ".db") {
            return entry.path().string();
        }
    }
    return "";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(kiodctl_tool)

BOOST_AUTO_TEST_CASE(inspect_and_verify_a_sound_catalog) {
    TempDir dir;
    auto path = dir.file("model-store.db");
    makeCatalog(path, 3);
    {
        kiod::catalog::SqliteObjectStore store({.path = path});
        for (const auto& [id, version] : {std::pair{"k1", 1u}, {"k2", 2u}, {"k3", 2u}}) {
            BOOST_REQUIRE(store.wrappedKeys().put({id, "owner", version, {0x01}}).isOk());
        }
    }
    auto inspected = kiodctl({"inspect", path});
    BOOST_TEST(inspected.exitCode == 0, inspected.err);
    BOOST_TEST(contains(inspected.out, "objects " + kActions + " 3\n"), inspected.out);
    BOOST_TEST(contains(inspected.out, "wrapped_keys 1 1\nwrapped_keys 2 2\n"), inspected.out);
    BOOST_TEST(contains(inspected.out, "revision 3\n"), inspected.out);
    BOOST_TEST(contains(inspected.out,
                        "schema_version " +
                            std::to_string(kiod::catalog::catalogMigrations().back().version)),
               inspected.out);
    auto verified = kiodctl({"verify", path});
    BOOST_TEST(verified.exitCode == 0, verified.err);
    BOOST_TEST(verified.out == path + ": ok\n");
}

BOOST_AUTO_TEST_CASE(verify_finds_damage_and_a_wrong_checksum) {
    TempDir dir;
    auto path = dir.file("model-store.db");
    makeCatalog(path, 300);
    BOOST_REQUIRE(kiodctl({"backup", path, dir.file("backups")}).exitCode == 0);
    auto backup = backupIn(dir.file("backups"));
    BOOST_REQUIRE(!backup.empty());
    BOOST_TEST(kiodctl({"verify", backup}).exitCode == 0);  // its .sha256 matches

    damage(backup, 4096 * 5 + 100, 64);
    auto checked = kiodctl({"verify", backup});
    BOOST_TEST(checked.exitCode == 1);
    BOOST_TEST(contains(checked.err, "its sha256 is not the one in " + backup + ".sha256"),
               checked.err);

    damage(path, 4096 * 5, 4096);  // a whole page of the catalog itself, no checksum beside it
    auto damaged = kiodctl({"verify", path});
    BOOST_TEST(damaged.exitCode == 1, damaged.out);
    BOOST_TEST(!damaged.err.empty());
}

BOOST_AUTO_TEST_CASE(a_backup_restored_elsewhere_holds_every_object) {
    TempDir dir;
    auto path = dir.file("model-store.db");
    makeCatalog(path, 25);
    auto made = kiodctl({"backup", path, dir.file("backups"), "2"});
    BOOST_REQUIRE_MESSAGE(made.exitCode == 0, made.err);
    auto backup = backupIn(dir.file("backups"));
    std::ifstream sidecar(backup + ".sha256");
    std::string sha;
    std::string name;
    sidecar >> sha >> name;
    BOOST_TEST(sha.size() == 64u);
    BOOST_TEST(name == fs::path(backup).filename().string());  // sha256sum -c format

    auto target = dir.file("elsewhere/model-store.db");
    auto restored = kiodctl({"restore", backup, target});
    BOOST_REQUIRE_MESSAGE(restored.exitCode == 0, restored.err);
    BOOST_TEST(contains(kiodctl({"inspect", target}).out, "objects " + kActions + " 25\n"));
    BOOST_TEST(!fs::exists(target + ".restoring"));
}

BOOST_AUTO_TEST_CASE(restore_and_migrate_refuse_a_catalog_kiod_has_open) {
    TempDir dir;
    auto spare = dir.file("spare.db");
    makeCatalog(spare, 1);
    KiodProcess kiod(dir, baseConfig(dir, "catalog"));
    auto live = dir.file("var/catalog/model-store.db");
    auto before = kiodctl({"inspect", live}).out;  // reading while kiod runs is fine
    BOOST_TEST(contains(before, "revision 0\n"), before);

    auto restored = kiodctl({"restore", spare, live});
    BOOST_TEST(restored.exitCode == 69);
    BOOST_TEST(contains(restored.err, "is in use (is kiod running on it?)"), restored.err);
    auto migrated = kiodctl({"migrate", live});
    BOOST_TEST(migrated.exitCode == 69);
    BOOST_TEST(kiodctl({"inspect", live}).out == before);  // untouched
}

BOOST_AUTO_TEST_CASE(migrate_brings_an_old_catalog_to_the_latest_schema) {
    TempDir dir;
    auto path = dir.file("model-store.db");
    const auto& migrations = kiod::catalog::catalogMigrations();
    kiod::catalog::SchemaMigrator({migrations.front()}, [](const std::string&) {}).prepare(path);
    auto migrated = kiodctl({"migrate", path});
    BOOST_TEST(migrated.exitCode == 0, migrated.err);
    BOOST_TEST(migrated.out ==
               path + ": schema version " + std::to_string(migrations.back().version) + "\n");
    BOOST_TEST(contains(migrated.err, "applying migration 2"), migrated.err);
}

BOOST_AUTO_TEST_CASE(bad_command_lines_and_missing_files_say_so) {
    TempDir dir;
    BOOST_TEST(kiodctl({}).exitCode == 64);
    BOOST_TEST(kiodctl({"frobnicate", "x"}).exitCode == 64);
    BOOST_TEST(kiodctl({"backup", "a", "b", "none"}).exitCode == 64);
    auto missing = kiodctl({"verify", dir.file("nowhere.db")});
    BOOST_TEST(missing.exitCode == 69);
    BOOST_TEST(contains(missing.err, "no such catalog file"), missing.err);
}

BOOST_AUTO_TEST_SUITE_END()
