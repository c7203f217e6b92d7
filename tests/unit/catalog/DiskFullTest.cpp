// The catalog's disk fills up: writes fail with a clear error, reads go on,
// and once space is freed writes work again with nothing lost. Both on a
// small tmpfs (ENOSPC; when this process may mount one) and under
// RLIMIT_FSIZE (EFBIG, which is how a quota or a file size limit fails).
#include "SchemaMigrator.h"
#include "SqliteObjectStore.h"
#include "StoreFixture.h"

#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <signal.h>
#include <sys/mount.h>
#include <sys/resource.h>

using namespace kiod::catalog;
using namespace kiod::catalog::test;
namespace fs = std::filesystem;

namespace {

// A directory whose space runs out soon, and the way to free it.
class SmallDisk {
public:
    enum class Limit { kTmpfs, kFileSize };

    explicit SmallDisk(Limit limit) {
        char pattern[] = "/tmp/kiod-full-XXXXXX";
        dir_ = mkdtemp(pattern);
        tmpfs_ = limit == Limit::kTmpfs && mount("tmpfs", dir_.c_str(), "tmpfs", 0, "size=4m") == 0;
    }

    // Whether a tmpfs was asked for and could be mounted.
    bool onTmpfs() const { return tmpfs_; }
    ~SmallDisk() {
        freeSpace();
        if (tmpfs_) {
            umount(dir_.c_str());
        }
        fs::remove_all(dir_);
    }

    const std::string& dir() const { return dir_; }

    // From now on only a little more fits.
    void fillUp() {
        if (tmpfs_) {
            // Leave about 256 KiB free.
            std::ofstream filler(dir_ + "/filler", std::ios::binary);
            std::string block(64 * 1024, 'x');
            while (fs::space(dir_).available > 256 * 1024 &&
                   filler.write(block.data(), block.size())) {
            }
        } else {
            signal(SIGXFSZ, SIG_IGN);  // fail the write instead of killing the process
            auto size = fs::file_size(dir_ + "/model-store.db");
            rlimit limit{static_cast<rlim_t>(size + 256 * 1024), RLIM_INFINITY};
            setrlimit(RLIMIT_FSIZE, &limit);
        }
    }

    void freeSpace() {
        if (tmpfs_) {
            fs::remove(dir_ + "/filler");
        } else {
            rlimit limit{RLIM_INFINITY, RLIM_INFINITY};
            setrlimit(RLIMIT_FSIZE, &limit);
        }
    }

private:
    std::string dir_;
    bool tmpfs_ = false;
};

void writesFailClearlyReadsGoOnAndWritesResume(SmallDisk& disk) {
    std::string path = disk.dir() + "/model-store.db";
    SchemaMigrator(catalogMigrations(), [](const std::string&) {}).prepare(path);
    std::vector<std::string> stored;
    {
        SqliteObjectStore store({.path = path});
        auto write = [&](int i) {
            auto name = "a" + std::to_string(i);
            auto json = action(name, "mysql");
            json.insert(json.size() - 1, R"(,"padding":")" + std::string(2048, 'p') + "\"");
            return store.create({kBackupActions, "app", name}, json);
        };
        for (int i = 0; i < 10; ++i) {
            BOOST_REQUIRE(write(i).isOk());
            stored.push_back("a" + std::to_string(i));
        }
        disk.fillUp();
        kiod::Status failure;
        int i = 10;
        for (; i < 10'000 && failure.isOk(); ++i) {
            auto result = write(i);
            if (result.isOk()) {
                stored.push_back(result->key.name);
            } else {
                failure = result.status();
            }
        }
        BOOST_REQUIRE_MESSAGE(!failure.isOk(), "the disk never filled up");
        BOOST_TEST((failure.code() == kiod::StatusCode::kUnavailable), failure.message());
        BOOST_TEST((failure.message().find("disk is full") != std::string::npos ||
                    failure.message().find("cannot be written") != std::string::npos),
                   failure.message());
        BOOST_TEST(store.writesFailing());

        // Reads keep working.
        BOOST_TEST(store.get({kBackupActions, "app", "a0"}).isOk());
        auto page = store.list({.resource = kBackupActions, .limit = 5});
        BOOST_TEST(page.isOk());

        disk.freeSpace();
        auto again = write(i);
        BOOST_REQUIRE_MESSAGE(again.isOk(), again.status().message());
        stored.push_back(again->key.name);
        BOOST_TEST(!store.writesFailing());
    }
    SqliteObjectStore reopened({.path = path});
    for (const auto& name : stored) {
        BOOST_REQUIRE_MESSAGE(reopened.get({kBackupActions, "app", name}).isOk(),
                              name << " was lost");
    }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(disk_full)

BOOST_AUTO_TEST_CASE(a_full_tmpfs_fails_writes_clearly_and_they_resume_when_space_returns) {
    SmallDisk disk(SmallDisk::Limit::kTmpfs);
    if (!disk.onTmpfs()) {
        BOOST_TEST_MESSAGE("this process may not mount a tmpfs; the file size limit case runs");
        return;
    }
    writesFailClearlyReadsGoOnAndWritesResume(disk);
}

BOOST_AUTO_TEST_CASE(a_file_size_limit_fails_writes_clearly_and_they_resume_when_lifted) {
    SmallDisk disk(SmallDisk::Limit::kFileSize);
    writesFailClearlyReadsGoOnAndWritesResume(disk);
}

BOOST_AUTO_TEST_SUITE_END()
