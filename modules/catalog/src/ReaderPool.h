#pragma once

#include "SqliteConnection.h"

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

namespace kiod::catalog {

// Read-only connections to the catalog, lent one at a time. In WAL mode a
// reader sees the last commit and never waits for the writer, nor the
// writer for it.
//
// A connection keeps its read transaction, its snapshot, from one lease to
// the next until the writer commits: beginning and ending one takes and
// drops a lock in the shared-memory index, two fcntl calls that were 8% of
// a point get's time. Every lease still sees every commit acknowledged
// before it began, because the writer calls committed() before it answers
// anyone.
class ReaderPool {
public:
    // `mmapBytes`: how much of the file each reader maps (0: none).
    ReaderPool(const std::string& path, int size, std::int64_t mmapBytes);

    struct Reader {
        std::unique_ptr<SqliteConnection> connection;
        std::uint64_t commits = 0;  // the commits its snapshot has seen
    };

    class Lease {
    public:
        Lease(ReaderPool& pool, Reader reader) : pool_(pool), reader_(std::move(reader)) {}
        Lease(Lease&& other) noexcept : pool_(other.pool_), reader_(std::move(other.reader_)) {}
        ~Lease() {
            if (reader_.connection) {
                pool_.giveBack(std::move(reader_));
            }
        }
        Lease& operator=(Lease&&) = delete;
        SqliteConnection& operator*() { return *reader_.connection; }
        SqliteConnection* operator->() { return reader_.connection.get(); }

    private:
        ReaderPool& pool_;
        Reader reader_;
    };

    // Waits for a free connection; its snapshot is no older than the last
    // call to committed().
    Lease acquire();

    // The writer has committed: leases from now on see it. Idle connections
    // end their snapshots at once, so that none holds checkpoints back while
    // it waits to be lent again.
    void committed();

private:
    void giveBack(Reader reader);

    std::mutex mutex_;
    std::condition_variable available_;
    std::vector<Reader> idle_;
    std::uint64_t commits_ = 0;
};

}  // namespace kiod::catalog
