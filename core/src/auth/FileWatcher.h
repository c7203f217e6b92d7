#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace kiod {

// One thread that calls every registered check once a second, so that files
// kiod rereads when they change (token and rules files) are looked at off
// the request path: a request never waits on the disk for them.
class FileWatcher {
public:
    explicit FileWatcher(std::chrono::milliseconds interval = std::chrono::seconds(1))
        : interval_(interval) {}
    ~FileWatcher() { stop(); }
    FileWatcher(const FileWatcher&) = delete;
    FileWatcher& operator=(const FileWatcher&) = delete;

    // Before start() only. `check` must not throw.
    void add(std::function<void()> check) { checks_.push_back(std::move(check)); }

    void start();
    void stop();

private:
    void run();

    std::chrono::milliseconds interval_;
    std::vector<std::function<void()>> checks_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace kiod
