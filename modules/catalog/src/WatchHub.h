#pragma once

#include "GroupCommitWriter.h"
#include "LabelSelector.h"

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

namespace kiod::catalog {

// Which changes a watch wants.
struct WatchFilter {
    std::string resource;
    std::string ns;
    std::string name;
    LabelSelector selector;

    bool matches(const ObjectKey& key, const std::map<std::string, std::string>& labels) const;
    // How the watch sees `change`, as kube-apiserver's watch cache shows a
    // selector's view: a modification that makes the object match comes as
    // ADDED, one that makes it stop matching as DELETED; nullopt when the
    // watch does not see it at all.
    std::optional<WatchEvent::Type> view(const Change& change) const;
};

// A change as one watcher sees it.
struct Delivery {
    std::shared_ptr<const Change> change;
    WatchEvent::Type type;
};

// The live side of one watch: committed changes that match its filter, in
// revision order, up to a capacity. A watcher that falls behind by more is
// dropped instead of buffering without limit or slowing the writer.
class Watcher {
public:
    Watcher(WatchFilter filter, std::size_t capacity)
        : filter_(std::move(filter)), capacity_(capacity) {}

    const WatchFilter& filter() const { return filter_; }

    // Called by the writer's thread. Never blocks for long.
    void push(Delivery delivery);

    // Waits up to `timeout`; null on timeout. Throws nothing.
    std::optional<Delivery> pop(std::chrono::milliseconds timeout);
    bool dropped() const;

    // Called after each push that queued a change or dropped the watcher,
    // outside this watcher's lock but under the hub's, so that unsubscribe
    // waits for a call in progress. Called at once when changes are waiting.
    void onReady(std::function<void()> ready);

private:
    WatchFilter filter_;
    const std::size_t capacity_;
    mutable std::mutex mutex_;
    std::condition_variable available_;
    std::deque<Delivery> queue_;
    bool dropped_ = false;
    std::function<void()> ready_;
};

// Fans committed changes out to the watchers, in memory, on the writer's
// thread, right after each commit.
class WatchHub {
public:
    explicit WatchHub(Revision committed) : committed_(committed) {}

    void publish(Revision committed, std::vector<Change>&& changes);

    // Adds a watcher; it receives every change after the returned revision.
    std::pair<std::shared_ptr<Watcher>, Revision> subscribe(WatchFilter filter,
                                                            std::size_t capacity);
    void unsubscribe(const Watcher* watcher);

    Revision committed() const;
    std::size_t watchers() const;

private:
    mutable std::mutex mutex_;
    Revision committed_;
    std::vector<std::shared_ptr<Watcher>> watchers_;
};

}  // namespace kiod::catalog
