#pragma once

#include "SqliteConnection.h"

#include <kiod/Status.h>
#include <kiod/catalog/ObjectStore.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <vector>

namespace kiod::catalog {

// A committed change, as watchers receive it.
struct Change {
    WatchEvent event;
    std::map<std::string, std::string> labels;
    // For a modification, the labels before it: a watch whose selector they
    // matched sees the object leave (DELETED) or arrive (ADDED).
    std::optional<std::map<std::string, std::string>> previousLabels;
};

// What a write sees inside the batch's transaction.
class WriteContext {
public:
    WriteContext(SqliteConnection& db, Revision& next) : db_(db), next_(next) {}

    SqliteConnection& db() { return db_; }
    // Takes the next revision for a change this write makes.
    Revision takeRevision() { return next_++; }
    // Publishes `change` to watchers once the batch commits.
    void publish(Change change) { changes_.push_back(std::move(change)); }

private:
    friend class GroupCommitWriter;
    SqliteConnection& db_;
    Revision& next_;
    std::vector<Change> changes_;
};

// The catalog's single writer. Callers queue writes and wait; one thread
// runs everything queued in one transaction (one fsync for the batch: group
// commit), each write inside a savepoint so that one that fails (a
// conflict) is undone alone. A full queue answers Overloaded at once rather
// than letting latency grow without bound. Being the only writer, it hands
// out revisions with no gaps and never meets SQLITE_BUSY from itself.
class GroupCommitWriter {
public:
    // One write, on the writer's thread inside its savepoint: a failure it
    // returns undoes everything it did.
    using Write = std::function<Status(WriteContext&)>;
    // Called on the writer thread after each commit, before any caller
    // hears of it, with the revision now committed and the changes in
    // revision order (none when the batch's writes changed no object).
    using OnCommit = std::function<void(Revision committed, std::vector<Change>&&)>;
    // Called after each batch with its size and commit time (for metrics).
    using OnBatch = std::function<void(std::size_t writes, std::chrono::nanoseconds commit)>;

    GroupCommitWriter(std::unique_ptr<SqliteConnection> db, Revision committed,
                      std::size_t queueCapacity, OnCommit onCommit, OnBatch onBatch);
    ~GroupCommitWriter();

    // Queues `write` and waits until its batch has committed (or failed):
    // then the write's own Status, or why the batch failed.
    Status submit(Write write);

    // The same for a write that returns a Result<T>: its value once the
    // batch has committed. Each store's writes answer in their own types.
    template <class ResultWrite>
    requires requires(ResultWrite& write, WriteContext& context) { write(context).status(); }
    auto submit(ResultWrite write) -> std::invoke_result_t<ResultWrite&, WriteContext&> {
        // The caller waits in submit() until the writer has run the write,
        // so the result can live on the caller's stack.
        std::optional<std::invoke_result_t<ResultWrite&, WriteContext&>> result;
        auto status = submit(Write([&](WriteContext& context) {
            result.emplace(write(context));
            return result->status();
        }));
        if (!status.isOk()) {
            return status;
        }
        return std::move(*result);
    }

    // Queues `write` without waiting: `done` gets its Status on the writer
    // thread once its batch has committed (or failed), and must not block.
    // Refused at once (Overloaded, Unavailable) as submit() would be; then
    // `done` is not called.
    using Done = std::function<void(Status)>;
    Status submitAsync(Write write, Done done);

    std::size_t queueDepth() const;
    // Whether the last batch failed to commit; cleared by the next success.
    bool failing() const { return failing_.load(); }

    // Finishes what is queued, then ends the thread; later submits answer
    // Unavailable.
    void stop();

private:
    // One write: on its caller's stack while the caller waits, or owned by
    // its batch when `done` is to be told instead.
    struct Pending {
        Write write;
        Status result;
        Done done;
    };
    // The writes one transaction commits, filled as callers queue them, and
    // the one wake-up that tells all of their callers at once. (A promise
    // per write woke them one at a time, and each caller woken took the CPU
    // from the writer before it could wake the next.)
    struct Batch {
        std::vector<Pending*> writes;
        std::vector<std::unique_ptr<Pending>> owned;  // those with `done`
        // A condition variable rather than std::atomic::wait, whose spin
        // calls sched_yield: 8% of the callers' time with 32 of them.
        std::mutex mutex;
        std::condition_variable done;
        bool committed = false;  // every result is set
    };

    // Adds `pending` to the batch taking writes; the batch, or why not.
    Result<std::shared_ptr<Batch>> enqueue(Pending* pending, std::unique_ptr<Pending> owned);
    void run();
    void commit(Batch& batch);

    std::unique_ptr<SqliteConnection> db_;
    Revision committed_;
    const std::size_t queueCapacity_;
    OnCommit onCommit_;
    OnBatch onBatch_;

    mutable std::mutex mutex_;
    std::condition_variable queued_;
    // Batches waiting for the writer, the last one still taking writes.
    std::deque<std::shared_ptr<Batch>> batches_;
    std::size_t queuedWrites_ = 0;
    bool stopping_ = false;
    std::atomic<bool> failing_{false};
    std::thread thread_;
};

// The Status a caller sees for an SQLite failure: a full or failing disk is
// Unavailable (the write may succeed later), anything else Internal.
Status statusFor(const SqliteError& error);

// Runs `read` (on a reader), an SQLite failure in it as statusFor's Status.
template <class T>
Result<T> guarded(const std::function<Result<T>()>& read) {
    try {
        return read();
    } catch (const SqliteError& e) {
        return statusFor(e);
    }
}

}  // namespace kiod::catalog
