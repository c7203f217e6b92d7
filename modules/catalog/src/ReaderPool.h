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
class ReaderPool {
public:
    // `mmapBytes`: how much of the file each reader maps (0: none).
    ReaderPool(const std::string& path, int size, std::int64_t mmapBytes);

    class Lease {
    public:
        Lease(ReaderPool& pool, std::unique_ptr<SqliteConnection> connection)
            : pool_(pool), connection_(std::move(connection)) {}
        ~Lease() { pool_.giveBack(std::move(connection_)); }
        Lease(const Lease&) = delete;
        Lease& operator=(const Lease&) = delete;
        SqliteConnection& operator*() { return *connection_; }
        SqliteConnection* operator->() { return connection_.get(); }

    private:
        ReaderPool& pool_;
        std::unique_ptr<SqliteConnection> connection_;
    };

    // Waits for a free connection.
    Lease acquire();

private:
    void giveBack(std::unique_ptr<SqliteConnection> connection);

    std::mutex mutex_;
    std::condition_variable available_;
    std::vector<std::unique_ptr<SqliteConnection>> idle_;
};

}  // namespace kiod::catalog
