#include "ReaderPool.h"

namespace kiod::catalog {

ReaderPool::ReaderPool(const std::string& path, int size, std::int64_t mmapBytes) {
    for (int i = 0; i < size; ++i) {
        auto connection =
            std::make_unique<SqliteConnection>(path, SqliteConnection::Mode::kReadOnly);
        // Sorting a page or a label join spills to memory, not to a temp file.
        connection->exec("PRAGMA temp_store = MEMORY; PRAGMA cache_size = -32768");
        // Reads from the mapping skip a pread and a copy per page: point gets
        // run about 1.7 times as fast. The mapped pages count as the process's
        // resident memory while the kernel keeps them (they are file pages,
        // reclaimable); SQLite caps the mapping at 2 GiB.
        connection->exec("PRAGMA mmap_size = " + std::to_string(mmapBytes));
        idle_.push_back({std::move(connection)});
    }
}

namespace {

bool inTransaction(SqliteConnection& connection) {
    return sqlite3_get_autocommit(connection.handle()) == 0;
}

}  // namespace

ReaderPool::Lease ReaderPool::acquire() {
    std::unique_lock lock(mutex_);
    available_.wait(lock, [&] { return !idle_.empty(); });
    auto reader = std::move(idle_.back());
    idle_.pop_back();
    bool current = reader.commits == commits_ && inTransaction(*reader.connection);
    reader.commits = commits_;
    lock.unlock();
    Lease lease(*this, std::move(reader));
    if (!current) {
        if (inTransaction(*lease)) {
            lease->exec("COMMIT");
        }
        // Deferred: the snapshot is taken by the first read, after this.
        lease->exec("BEGIN");
    }
    return lease;
}

void ReaderPool::committed() {
    std::lock_guard lock(mutex_);
    ++commits_;
    for (auto& reader : idle_) {
        if (inTransaction(*reader.connection)) {
            try {
                reader.connection->exec("COMMIT");
            } catch (const SqliteError&) {
                // Its next lease ends it, or reports why it cannot.
            }
        }
    }
}

void ReaderPool::giveBack(Reader reader) {
    {
        std::lock_guard lock(mutex_);
        idle_.push_back(std::move(reader));
    }
    available_.notify_one();
}

}  // namespace kiod::catalog
