#include "WatchDispatcher.h"

#include "ApiMetrics.h"

#include <algorithm>
#include <pthread.h>

namespace kiod::aggregatedapi {

namespace {

using Clock = WatchSession::Clock;

// How often deadlines, bookmarks and departed clients are looked at.
constexpr auto kSweep = std::chrono::milliseconds(250);
// Events drained at once go out as one write of at most about this much.
constexpr std::size_t kWriteBytes = 64 * 1024;

}  // namespace

struct WatchDispatcher::Entry {
    Entry(Id id, const ResourceInfo& resource, std::unique_ptr<WatchSession> session,
          ApiMetrics* metrics)
        : id(id), resource(resource), session(std::move(session)), metrics(metrics) {
        if (metrics) {
            metrics->watchOpened(resource);
        }
    }
    ~Entry() {
        if (metrics) {
            metrics->watchClosed(resource);
        }
    }
    Entry(const Entry&) = delete;
    Entry& operator=(const Entry&) = delete;

    const Id id;
    const ResourceInfo& resource;
    std::unique_ptr<WatchSession> session;
    ApiMetrics* const metrics;
    bool queued = false;  // in ready_; guarded by the dispatcher's mutex
};

WatchDispatcher::WatchDispatcher(ApiMetrics* metrics) : metrics_(metrics) {
    thread_ = std::thread([this] { run(); });
    pthread_setname_np(thread_.native_handle(), "api-watches");
}

WatchDispatcher::~WatchDispatcher() {
    stop();
}

void WatchDispatcher::adopt(const ResourceInfo& resource, std::unique_ptr<WatchSession> session) {
    std::shared_ptr<Entry> entry;
    {
        std::lock_guard lock(mutex_);
        if (stopping_) {
            session->response->close();
            return;
        }
        entry = std::make_shared<Entry>(nextId_++, resource, std::move(session), metrics_);
        entries_.emplace(entry->id, entry);
    }
    // From the store's writer thread (or this one, at once, when events are
    // already waiting): a note, nothing more.
    entry->session->watch->onReady([this, id = entry->id] { schedule(id); });
}

void WatchDispatcher::schedule(Id id) {
    {
        std::lock_guard lock(mutex_);
        auto found = entries_.find(id);
        if (found == entries_.end() || found->second->queued) {
            return;
        }
        found->second->queued = true;
        ready_.push_back(id);
    }
    wake_.notify_one();
}

std::size_t WatchDispatcher::watches() const {
    std::lock_guard lock(mutex_);
    return entries_.size();
}

void WatchDispatcher::stop() {
    {
        std::lock_guard lock(mutex_);
        if (stopping_) {
            return;
        }
        stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
    std::map<Id, std::shared_ptr<Entry>> entries;
    {
        std::lock_guard lock(mutex_);
        entries.swap(entries_);
    }
    for (auto& [id, entry] : entries) {
        entry->session->response->close();
    }
    // Destroying a store Watch takes the store's hub lock, under which the
    // store calls schedule(): never with mutex_ held.
    entries.clear();
}

void WatchDispatcher::run() {
    auto nextSweep = Clock::now() + kSweep;
    std::unique_lock lock(mutex_);
    while (true) {
        wake_.wait_until(lock, nextSweep, [&] { return stopping_ || !ready_.empty(); });
        if (stopping_) {
            return;
        }
        std::vector<std::shared_ptr<Entry>> work;
        for (auto id : ready_) {
            if (auto found = entries_.find(id); found != entries_.end()) {
                found->second->queued = false;
                work.push_back(found->second);
            }
        }
        ready_.clear();
        lock.unlock();

        std::vector<Id> ended;
        for (auto& entry : work) {
            if (!drain(*entry)) {
                ended.push_back(entry->id);
            }
        }
        work.clear();
        auto now = Clock::now();
        if (now >= nextSweep) {
            auto swept = sweep(now);
            ended.insert(ended.end(), swept.begin(), swept.end());
            nextSweep = now + kSweep;
        }
        std::vector<std::shared_ptr<Entry>> gone;
        lock.lock();
        for (auto id : ended) {
            if (auto found = entries_.find(id); found != entries_.end()) {
                gone.push_back(std::move(found->second));
                entries_.erase(found);
            }
        }
        lock.unlock();
        gone.clear();  // outside mutex_: see stop()
        lock.lock();
    }
}

bool WatchDispatcher::drain(Entry& entry) {
    auto& session = *entry.session;
    std::string out;
    bool ended = false;
    while (auto line = session.encoder.next(*session.watch, std::chrono::milliseconds(0), ended)) {
        out += *line;
        if (ended) {
            session.response->write(out);  // the ERROR event: the client lists and watches again
            session.response->close();
            return false;
        }
        if (out.size() >= kWriteBytes) {
            if (!session.response->write(out)) {
                return false;  // the client is gone or too slow: it watches again
            }
            out.clear();
        }
    }
    return (out.empty() || session.response->write(out)) && session.response->isOpen();
}

std::vector<WatchDispatcher::Id> WatchDispatcher::sweep(Clock::time_point now) {
    std::vector<std::shared_ptr<Entry>> entries;
    {
        std::lock_guard lock(mutex_);
        for (const auto& [id, entry] : entries_) {
            entries.push_back(entry);
        }
    }
    std::vector<Id> ended;
    for (const auto& entry : entries) {
        auto& session = *entry->session;
        if (!session.response->isOpen()) {
            ended.push_back(entry->id);  // the client left, was too slow, or kiod stops
        } else if (now >= session.deadline) {
            session.response->close();  // timeoutSeconds: the client watches again
            ended.push_back(entry->id);
        } else if (session.bookmarks && now >= session.nextBookmark) {
            session.nextBookmark = now + *session.bookmarks;
            if (!session.response->write(session.encoder.bookmark())) {
                ended.push_back(entry->id);
            }
        }
    }
    return ended;
}

}  // namespace kiod::aggregatedapi
