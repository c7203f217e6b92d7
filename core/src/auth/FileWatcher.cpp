#include "FileWatcher.h"

#include <pthread.h>

namespace kiod {

void FileWatcher::start() {
    if (!checks_.empty() && !thread_.joinable()) {
        thread_ = std::thread([this] { run(); });
    }
}

void FileWatcher::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) {
        thread_.join();
    }
}

void FileWatcher::run() {
    pthread_setname_np(pthread_self(), "file-watcher");
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, interval_, [this] { return stopping_; })) {
        lock.unlock();
        for (const auto& check : checks_) {
            check();
        }
        lock.lock();
    }
}

}  // namespace kiod
