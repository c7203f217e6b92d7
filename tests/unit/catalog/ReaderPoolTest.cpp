// The catalog's readers keep their snapshots between leases until the
// writer commits: what every later read sees, and what the WAL's
// checkpoints are no longer held back by.
#include "ReaderPool.h"
#include "ScratchDirectory.h"
#include "SqliteConnection.h"

#include <boost/test/unit_test.hpp>

#include <string>

using namespace kiod::catalog;

namespace {

struct WalDatabase {
    WalDatabase() {
        writer = std::make_unique<SqliteConnection>(path, SqliteConnection::Mode::kReadWriteCreate);
        writer->queryText("PRAGMA journal_mode = WAL");
        // A checkpoint that readers hold back answers at once.
        writer->exec("PRAGMA busy_timeout = 0; CREATE TABLE t(x INTEGER)");
    }

    // Whether a checkpoint could copy the whole WAL into the database and
    // empty it: no reader holds a snapshot in it.
    bool walReleased() {
        auto& checkpoint = writer->statement("PRAGMA wal_checkpoint(TRUNCATE)");
        checkpoint.step();
        bool busy = checkpoint.integer(0) != 0;
        checkpoint.reset();
        return !busy;
    }

    kiod::test::ScratchDirectory dir;
    std::string path = dir.path + "/catalog.db";
    std::unique_ptr<SqliteConnection> writer;
};

std::int64_t rows(ReaderPool& pool) {
    auto lease = pool.acquire();
    return lease->queryInteger("SELECT count(*) FROM t");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(reader_pool)

BOOST_AUTO_TEST_CASE(a_lease_after_committed_sees_the_commit_and_idle_snapshots_end_with_it) {
    WalDatabase database;
    ReaderPool pool(database.path, 1, 0);
    BOOST_TEST(rows(pool) == 0);

    database.writer->exec("INSERT INTO t VALUES(1)");
    // Until the writer says so, the idle reader keeps its snapshot: the
    // next lease reuses it, and it holds the WAL.
    BOOST_TEST(rows(pool) == 0);
    BOOST_TEST(!database.walReleased());

    pool.committed();
    BOOST_TEST(database.walReleased());
    BOOST_TEST(rows(pool) == 1);

    // A snapshot still lent out when the commit is announced is replaced at
    // its next lease.
    {
        auto lease = pool.acquire();
        BOOST_TEST(lease->queryInteger("SELECT count(*) FROM t") == 1);
        database.writer->exec("INSERT INTO t VALUES(2)");
        pool.committed();
    }
    BOOST_TEST(rows(pool) == 2);
}

BOOST_AUTO_TEST_SUITE_END()
