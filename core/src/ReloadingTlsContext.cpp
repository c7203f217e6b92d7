#include "ReloadingTlsContext.h"

#include <Poco/Logger.h>

#include <sys/stat.h>

namespace kiod {

namespace {

std::chrono::steady_clock::rep ticks(std::chrono::steady_clock::time_point time) {
    return time.time_since_epoch().count();
}

std::string joined(const std::vector<std::string>& files) {
    std::string text;
    for (const auto& file : files) {
        text += (text.empty() ? "" : ", ") + file;
    }
    return text;
}

}  // namespace

ReloadingTlsContext::ReloadingTlsContext(std::string listener, std::vector<std::string> files,
                                         Build build)
    : listener_(std::move(listener)),
      files_(std::move(files)),
      build_(std::move(build)),
      nextCheck_(ticks(std::chrono::steady_clock::now() + kCheckInterval)),
      seen_(look()),
      context_(build_()) {}

std::vector<ReloadingTlsContext::FileState> ReloadingTlsContext::look() const {
    std::vector<FileState> states;
    for (const auto& file : files_) {
        struct stat info {};
        FileState state;
        // A file that is gone for a moment (a rename in progress) reads as
        // changed; the build then fails or finds the new one.
        if (stat(file.c_str(), &info) == 0) {
            state = {info.st_dev, info.st_ino, info.st_size,
                     info.st_mtim.tv_sec * 1'000'000'000LL + info.st_mtim.tv_nsec};
        }
        states.push_back(state);
    }
    return states;
}

Poco::Net::Context::Ptr ReloadingTlsContext::current() {
    auto now = std::chrono::steady_clock::now();
    auto due = nextCheck_.load(std::memory_order_relaxed);
    if (ticks(now) >= due && nextCheck_.compare_exchange_strong(due, ticks(now + kCheckInterval),
                                                                std::memory_order_relaxed)) {
        // A build slower than the interval must not race the next look.
        std::unique_lock reloading(reloadMutex_, std::try_to_lock);
        if (auto files = look(); reloading && files != seen_) {
            reload(std::move(files));
        }
    }
    std::lock_guard lock(mutex_);
    return context_;
}

void ReloadingTlsContext::reload(std::vector<FileState> files) {
    // Remembered whether the build works or not: a broken file is reported
    // once, and tried again when it changes again.
    seen_ = std::move(files);
    auto& log = Poco::Logger::get("kiod");
    try {
        auto context = build_();
        std::lock_guard lock(mutex_);
        context_ = std::move(context);
    } catch (const std::exception& e) {
        const auto* poco = dynamic_cast<const Poco::Exception*>(&e);
        log.error("listener %s: keeping the TLS certificate it has: cannot load the new one: %s",
                  listener_, poco ? poco->displayText() : std::string(e.what()));
        return;
    }
    log.information("listener %s: TLS certificate reloaded from %s", listener_, joined(files_));
}

}  // namespace kiod
