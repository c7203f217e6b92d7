#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <optional>

namespace kiod {

// Answers of kube-apiserver kept for a little while, as kube-apiserver's
// own cached token authenticator and webhook authorizer keep them: so that
// a client's burst of requests costs one review, while a revoked token or
// permission stops working within the TTL. Thread-safe.
//
// Bounded, because its keys come from clients (every random token a
// client tries is an entry): when full, expired entries go, and if none
// has expired, the one closest to expiring.
template <class Key, class Value>
class ExpiringCache {
public:
    using Clock = std::function<std::chrono::steady_clock::time_point()>;

    explicit ExpiringCache(std::size_t capacity, Clock now = std::chrono::steady_clock::now)
        : capacity_(capacity), now_(std::move(now)) {}

    // The value put under `key`, unless it expired.
    std::optional<Value> get(const Key& key) const {
        std::lock_guard lock(mutex_);
        auto found = entries_.find(key);
        if (found == entries_.end() || found->second.expires <= now_()) {
            return std::nullopt;
        }
        return found->second.value;
    }

    // Keeps `value` under `key` for `ttl`; a zero TTL keeps nothing.
    void put(const Key& key, Value value, std::chrono::milliseconds ttl) {
        if (ttl <= std::chrono::milliseconds::zero() || capacity_ == 0) {
            return;
        }
        std::lock_guard lock(mutex_);
        auto now = now_();
        if (entries_.size() >= capacity_ && !entries_.contains(key)) {
            makeRoom(now);
        }
        entries_.insert_or_assign(key, Entry{std::move(value), now + ttl});
    }

    std::size_t size() const {
        std::lock_guard lock(mutex_);
        return entries_.size();
    }

private:
    struct Entry {
        Value value;
        std::chrono::steady_clock::time_point expires;
    };

    void makeRoom(std::chrono::steady_clock::time_point now) {
        std::erase_if(entries_, [now](const auto& entry) { return entry.second.expires <= now; });
        if (entries_.size() < capacity_) {
            return;
        }
        auto soonest = entries_.begin();
        for (auto it = entries_.begin(); it != entries_.end(); ++it) {
            if (it->second.expires < soonest->second.expires) {
                soonest = it;
            }
        }
        entries_.erase(soonest);
    }

    const std::size_t capacity_;
    const Clock now_;
    mutable std::mutex mutex_;
    std::map<Key, Entry> entries_;
};

}  // namespace kiod
