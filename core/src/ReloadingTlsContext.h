#pragma once

#include <Poco/Net/Context.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <sys/types.h>
#include <vector>

namespace kiod {

// A listener's TLS context, built again when a file it is built from
// changes, so that a rotated certificate is served without a restart
// (cert-manager and kubelet replace a Secret's files in place). New
// connections get the new context; open ones keep the one they began with.
class ReloadingTlsContext {
public:
    using Build = std::function<Poco::Net::Context::Ptr()>;

    // Builds the first context now, throwing what `build` throws. `files`
    // are what `build` reads (certificate, key, client CA).
    ReloadingTlsContext(std::string listener, std::vector<std::string> files, Build build);

    // The context for a connection accepted now. At most once per
    // kCheckInterval it first looks whether a file changed (size, time,
    // inode: a stat each) and if so builds a new one. A build that fails (a
    // half-written file, a key that does not match the certificate, a key
    // others can read) keeps the old context and logs why, once per change.
    Poco::Net::Context::Ptr current();

    static constexpr auto kCheckInterval = std::chrono::seconds(1);

private:
    struct FileState {
        dev_t device = 0;
        ino_t inode = 0;
        off_t size = -1;
        std::int64_t modifiedNs = 0;
        bool operator==(const FileState&) const = default;
    };
    std::vector<FileState> look() const;
    void reload(std::vector<FileState> files);

    const std::string listener_;
    const std::vector<std::string> files_;
    const Build build_;

    // steady_clock ticks of the next look; the loop thread that moves it
    // on does the look, the others go on with the current context.
    std::atomic<std::chrono::steady_clock::rep> nextCheck_;
    std::mutex reloadMutex_;
    std::vector<FileState> seen_;  // under reloadMutex_

    std::mutex mutex_;
    Poco::Net::Context::Ptr context_;
};

}  // namespace kiod
