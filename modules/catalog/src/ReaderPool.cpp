#include "ReaderPool.h"

namespace kiod::catalog {

ReaderPool::ReaderPool(const std::string& path, int size) {
    for (int i = 0; i < size; ++i) {
        auto connection =
            std::make_unique<SqliteConnection>(path, SqliteConnection::Mode::kReadOnly);
        // Sorting a page or a label join spills to memory, not to a temp file.
        connection->exec("PRAGMA temp_store = MEMORY; PRAGMA cache_size = -32768");
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
