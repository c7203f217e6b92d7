#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace kiod {

// Threads for request handlers that may block. Threads start on demand up
// to `maxThreads` and stay; tasks beyond the idle threads wait in a queue of
// at most `maxQueued`, past which submit() refuses (the caller answers 429).
class WorkerPool {
public:
    WorkerPool(std::string name, int maxThreads, int maxQueued);
    ~WorkerPool();

    bool submit(std::function<void()> task);

    // Runs what is queued, then joins every thread.
    void shutdown();

private:
    void work();

    std::string name_;
    const std::size_t maxThreads_;
    const std::size_t maxQueued_;
    std::mutex mutex_;
    std::condition_variable available_;
    std::deque<std::function<void()>> queue_;
    std::vector<std::thread> threads_;
    std::size_t idle_ = 0;
    bool stopping_ = false;
};

}  // namespace kiod
