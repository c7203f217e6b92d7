#include "WorkerPool.h"

#include <pthread.h>

namespace kiod {

WorkerPool::WorkerPool(std::string name, int maxThreads, int maxQueued)
    : name_(std::move(name)),
      maxThreads_(static_cast<std::size_t>(maxThreads)),
      maxQueued_(static_cast<std::size_t>(maxQueued)) {}

WorkerPool::~WorkerPool() {
    shutdown();
}

bool WorkerPool::submit(std::function<void()> task) {
    std::unique_lock lock(mutex_);
    if (stopping_) {
        return false;
    }
    bool startThread = idle_ <= queue_.size() && threads_.size() < maxThreads_;
    if (!startThread && queue_.size() >= idle_ + maxQueued_) {
        return false;
    }
    queue_.push_back(std::move(task));
    if (startThread) {
        threads_.emplace_back([this] { work(); });
        // Thread names show in top and gdb; Linux allows 15 characters.
        pthread_setname_np(threads_.back().native_handle(), name_.substr(0, 15).c_str());
    } else {
        available_.notify_one();
    }
    return true;
}

void WorkerPool::work() {
    std::unique_lock lock(mutex_);
    while (true) {
        ++idle_;
        available_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
        --idle_;
        if (queue_.empty()) {
            return;  // stopping, nothing left
        }
        auto task = std::move(queue_.front());
        queue_.pop_front();
        lock.unlock();
        task();
        lock.lock();
    }
}

void WorkerPool::shutdown() {
    std::vector<std::thread> threads;
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        threads.swap(threads_);
    }
    available_.notify_all();
    for (auto& thread : threads) {
        thread.join();
    }
}

}  // namespace kiod
