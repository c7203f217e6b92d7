#pragma once

#include <kiod/catalog/WrappedKeyStore.h>
#include <kiod/crypto/KeyAdmin.h>
#include <kiod/crypto/KeyService.h>

#include <Poco/Logger.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace kiod::crypto {

struct RewrapSettings {
    std::size_t batchSize = 500;  // keys per catalog transaction
    // 0: as fast as the catalog takes them. A limit keeps a rewrap of tens
    // of millions of keys from crowding out the API's writes.
    std::uint64_t keysPerSecond = 0;
    // Whether a pass starts by itself after a rotation and at start-up; off,
    // operators start it (KeyAdmin::rewrapStoredKeys) when the I/O suits.
    bool automatic = true;
};

// The background rewrap: moves every stored data key sealed under an older
// root key version to the latest one, in batches of one transaction each,
// on a thread of its own. Only wrapped keys pass through it, and their
// plaintext only ever sits in the secure heap inside KeyService::rewrap.
//
// Resumable by construction: a pass asks the catalog for keys below its
// target version, and every committed batch leaves that set, so a pass
// killed at any point resumes, after a restart, exactly where its last
// commit left it. A key that cannot be opened is counted, logged by id and
// skipped (the cursor moves past it), never retried in a loop.
class Rewrapper {
public:
    // Where a pass reports how far it got (ModuleContext::reportProgress:
    // the log and systemd's STATUS): when it begins, after its first batch
    // and every few seconds after, and when it ends.
    using ProgressSink = std::function<void(const std::string&)>;

    Rewrapper(KeyService& keys, catalog::WrappedKeyStore& store, RewrapSettings settings,
              Poco::Logger& logger, ProgressSink progress);
    ~Rewrapper();

    // Starts a pass towards the latest version now, or restarts the running
    // one when the latest version moved past its target.
    void start();
    // start() unless the settings leave passes to operators.
    void startAutomatically() {
        if (settings_.automatic) {
            start();
        }
    }
    RewrapProgress progress() const;
    // Ends the thread; a pass in progress stops after its current batch.
    void stop();

private:
    void run();
    // One pass to `target`; false when stopped or restarted before the end.
    bool pass(std::uint32_t target);
    // Waits `delay` unless stopped or restarted meanwhile; false then.
    bool idle(std::chrono::steady_clock::duration delay);
    // The batch's keys rewrapped; counts and logs those that fail.
    std::vector<catalog::Rewrapped> rewrap(const std::vector<catalog::WrappedKey>& batch);

    KeyService& keys_;
    catalog::WrappedKeyStore& store_;
    const RewrapSettings settings_;
    Poco::Logger& logger_;
    ProgressSink reportProgress_;

    mutable std::mutex mutex_;
    std::condition_variable wake_;
    bool requested_ = false;
    bool stopping_ = false;
    RewrapProgress progress_;
    std::thread thread_;
};

}  // namespace kiod::crypto
