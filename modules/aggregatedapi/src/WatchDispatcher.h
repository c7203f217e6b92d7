#pragma once

#include "WatchStream.h"

#include <kiod/ResponseStream.h>
#include <kiod/catalog/ObjectStore.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace kiod::aggregatedapi {

class ApiMetrics;

// One open watch once its opening has been written: the store's Watch, the
// protocol that encodes its events, and the detached response they go to.
struct WatchSession {
    using Clock = std::chrono::steady_clock;

    std::unique_ptr<catalog::Watch> watch;
    WatchStream encoder;
    std::shared_ptr<ResponseStream> response;
    Clock::time_point deadline;                     // timeoutSeconds: the watch ends then
    std::optional<std::chrono::seconds> bookmarks;  // allowWatchBookmarks: how often
    Clock::time_point nextBookmark;
};

// Serves every open watch of the module from one thread, holding none per
// watch: the store calls onReady when a watch has events (from its
// writer's thread, so only a note is taken there), and this thread drains
// them, encodes them and writes them to the detached responses, which the
// listeners' event loops send. It also ends watches at their deadline,
// sends bookmarks, and lets go of watches whose client has left.
//
// One thread is enough: an event costs it an encode and a queued write per
// watch (microseconds), and nothing here blocks on a client or on disk.
class WatchDispatcher {
public:
    explicit WatchDispatcher(ApiMetrics* metrics);
    ~WatchDispatcher();
    WatchDispatcher(const WatchDispatcher&) = delete;
    WatchDispatcher& operator=(const WatchDispatcher&) = delete;

    // Takes over `session`, for `resource` (counted as an open watch until
    // it ends). Thread-safe.
    void adopt(const ResourceInfo& resource, std::unique_ptr<WatchSession> session);

    // Ends every watch (the terminating chunk; clients watch again) and the
    // thread. Later adoptions end at once.
    void stop();

    std::size_t watches() const;

private:
    struct Entry;
    using Id = std::uint64_t;

    void run();
    void schedule(Id id);
    // Writes what the store has for the watch; false when it has ended.
    bool drain(Entry& entry);
    // Deadlines and bookmarks of every watch; the ids of those that ended.
    std::vector<Id> sweep(WatchSession::Clock::time_point now);

    ApiMetrics* metrics_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    Id nextId_ = 1;
    std::deque<Id> ready_;
    // Owned here; touched only by the dispatcher's thread once adopted,
    // except for the map itself, which the mutex guards.
    std::map<Id, std::shared_ptr<Entry>> entries_;
    std::thread thread_;
};

}  // namespace kiod::aggregatedapi
