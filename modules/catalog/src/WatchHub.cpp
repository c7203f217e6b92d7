#include "WatchHub.h"

#include <algorithm>

namespace kiod::catalog {

bool WatchFilter::matches(const ObjectKey& key,
                          const std::map<std::string, std::string>& labels) const {
    return key.resource == resource && (ns.empty() || key.ns == ns) &&
           (name.empty() || key.name == name) && selector.matches(labels);
}

std::optional<WatchEvent::Type> WatchFilter::view(const Change& change) const {
    const auto& key = change.event.object.key;
    bool now = matches(key, change.labels);
    if (change.event.type != WatchEvent::Type::kModified || !change.previousLabels) {
        return now ? std::optional(change.event.type) : std::nullopt;
    }
    bool before = matches(key, *change.previousLabels);
    if (now) {
        return before ? WatchEvent::Type::kModified : WatchEvent::Type::kAdded;
    }
    return before ? std::optional(WatchEvent::Type::kDeleted) : std::nullopt;
}

void Watcher::push(Delivery delivery) {
    std::function<void()> ready;
    {
        std::lock_guard lock(mutex_);
        if (dropped_) {
            return;
        }
        if (queue_.size() >= capacity_) {
            dropped_ = true;
            queue_.clear();
        } else {
            queue_.push_back(std::move(delivery));
        }
        ready = ready_;
    }
    available_.notify_one();
    if (ready) {
        ready();
    }
}

void Watcher::onReady(std::function<void()> ready) {
    bool waiting;
    {
        std::lock_guard lock(mutex_);
        ready_ = ready;
        waiting = dropped_ || !queue_.empty();
    }
    if (waiting && ready) {
        ready();
    }
}

std::optional<Delivery> Watcher::pop(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    if (!available_.wait_for(lock, timeout, [&] { return dropped_ || !queue_.empty(); }) ||
        dropped_) {
        return std::nullopt;
    }
    auto delivery = std::move(queue_.front());
    queue_.pop_front();
    return delivery;
}

bool Watcher::dropped() const {
    std::lock_guard lock(mutex_);
    return dropped_;
}

void WatchHub::publish(Revision committed, std::vector<Change>&& changes) {
    std::lock_guard lock(mutex_);
    committed_ = committed;
    for (auto& change : changes) {
        auto shared = std::make_shared<const Change>(std::move(change));
        for (const auto& watcher : watchers_) {
            if (auto type = watcher->filter().view(*shared)) {
                watcher->push({shared, *type});
            }
        }
    }
}

std::pair<std::shared_ptr<Watcher>, Revision> WatchHub::subscribe(WatchFilter filter,
                                                                  std::size_t capacity) {
    auto watcher = std::make_shared<Watcher>(std::move(filter), capacity);
    std::lock_guard lock(mutex_);
    watchers_.push_back(watcher);
    return {watcher, committed_};
}

void WatchHub::unsubscribe(const Watcher* watcher) {
    std::lock_guard lock(mutex_);
    std::erase_if(watchers_, [&](const auto& candidate) { return candidate.get() == watcher; });
}

Revision WatchHub::committed() const {
    std::lock_guard lock(mutex_);
    return committed_;
}

std::size_t WatchHub::watchers() const {
    std::lock_guard lock(mutex_);
    return watchers_.size();
}

}  // namespace kiod::catalog
