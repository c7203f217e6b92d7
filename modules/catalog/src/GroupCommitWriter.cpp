#include "GroupCommitWriter.h"

#include <Poco/Logger.h>

#include <pthread.h>

namespace kiod::catalog {

namespace {

// How many writes one transaction takes at most: enough to amortize the
// fsync, few enough that one batch never holds the others up for long.
constexpr std::size_t kMaxBatch = 512;

}  // namespace

Status statusFor(const SqliteError& error) {
    switch (error.code()) {
        case SQLITE_FULL:
            return Status::unavailable(std::string("the catalog's disk is full: ") + error.what());
        case SQLITE_IOERR:
        case SQLITE_CANTOPEN:
        case SQLITE_READONLY:
            return Status::unavailable(std::string("the catalog cannot be written: ") +
                                       error.what());
        default:
            return Status::internal(std::string("catalog error: ") + error.what());
    }
}

GroupCommitWriter::GroupCommitWriter(std::unique_ptr<SqliteConnection> db, Revision committed,
                                     std::size_t queueCapacity, OnCommit onCommit, OnBatch onBatch)
    : db_(std::move(db)),
      committed_(committed),
      queueCapacity_(queueCapacity),
      onCommit_(std::move(onCommit)),
      onBatch_(std::move(onBatch)) {
    thread_ = std::thread([this] { run(); });
    pthread_setname_np(thread_.native_handle(), "catalog-writer");
}

GroupCommitWriter::~GroupCommitWriter() {
    stop();
}

Result<std::shared_ptr<GroupCommitWriter::Batch>> GroupCommitWriter::enqueue(
    Pending* pending, std::unique_ptr<Pending> owned) {
    std::shared_ptr<Batch> batch;
    {
        std::lock_guard lock(mutex_);
        if (stopping_) {
            return Status::unavailable("the catalog is stopping");
        }
        if (queuedWrites_ >= queueCapacity_) {
            return Status::overloaded("the catalog's write queue is full (" +
                                      std::to_string(queueCapacity_) + " writes); retry later");
        }
        if (batches_.empty() || batches_.back()->writes.size() >= kMaxBatch) {
            batches_.push_back(std::make_shared<Batch>());
        }
        batch = batches_.back();
        batch->writes.push_back(pending);
        if (owned) {
            batch->owned.push_back(std::move(owned));
        }
        ++queuedWrites_;
    }
    queued_.notify_one();
    return batch;
}

Status GroupCommitWriter::submit(Write write) {
    Pending pending{std::move(write), Status::internal("write did not run"), nullptr};
    auto batch = enqueue(&pending, nullptr);
    if (!batch.isOk()) {
        return batch.status();
    }
    auto& queued = *batch.value();
    std::unique_lock lock(queued.mutex);
    queued.done.wait(lock, [&] { return queued.committed; });
    return std::move(pending.result);
}

Status GroupCommitWriter::submitAsync(Write write, Done done) {
    auto owned = std::make_unique<Pending>(
        Pending{std::move(write), Status::internal("write did not run"), std::move(done)});
    auto* pending = owned.get();
    auto batch = enqueue(pending, std::move(owned));
    return batch.isOk() ? Status() : batch.status();
}

std::size_t GroupCommitWriter::queueDepth() const {
    std::lock_guard lock(mutex_);
    return queuedWrites_;
}

void GroupCommitWriter::stop() {
    {
        std::lock_guard lock(mutex_);
        if (stopping_) {
            return;
        }
        stopping_ = true;
    }
    queued_.notify_one();
    thread_.join();
}

void GroupCommitWriter::run() {
    while (true) {
        std::shared_ptr<Batch> batch;
        {
            std::unique_lock lock(mutex_);
            queued_.wait(lock, [&] { return stopping_ || !batches_.empty(); });
            if (batches_.empty()) {
                return;  // stopping, and everything queued is done
            }
            // Taken, it takes no more writes: the next caller starts a batch.
            batch = std::move(batches_.front());
            batches_.pop_front();
            queuedWrites_ -= batch->writes.size();
        }
        commit(*batch);
    }
}

void GroupCommitWriter::commit(Batch& batch) {
    Revision next = committed_ + 1;
    std::vector<Change> changes;
    auto started = std::chrono::steady_clock::now();
    bool done = false;
    try {
        db_->statement("BEGIN IMMEDIATE").step();
        for (auto* pending : batch.writes) {
            db_->statement("SAVEPOINT write").step();
            Revision mark = next;
            WriteContext context(*db_, next);
            auto& result = pending->result;
            try {
                result = pending->write(context);
            } catch (const SqliteError& e) {
                result = statusFor(e);
            } catch (const std::exception& e) {
                result = Status::internal(e.what());
            }
            if (result.isOk()) {
                db_->statement("RELEASE write").step();
                for (auto& change : context.changes_) {
                    changes.push_back(std::move(change));
                }
            } else {
                db_->statement("ROLLBACK TO write").step();
                db_->statement("RELEASE write").step();
                next = mark;
            }
        }
        db_->statement("COMMIT").step();
        done = true;
        committed_ = next - 1;
        failing_ = false;
    } catch (const SqliteError& e) {
        // The transaction as a whole failed (the disk is full, or failing):
        // nothing of it was committed, so every write in it failed.
        try {
            db_->exec("ROLLBACK");
        } catch (const SqliteError&) {
            // SQLite may have rolled back already
        }
        Poco::Logger::get("kiod.catalog")
            .error("commit of %z writes failed: %s", batch.writes.size(), std::string(e.what()));
        for (auto* pending : batch.writes) {
            pending->result = statusFor(e);
        }
        failing_ = true;
        changes.clear();
    }
    auto elapsed = std::chrono::steady_clock::now() - started;
    if (done) {
        onCommit_(committed_, std::move(changes));
    }
    auto size = batch.writes.size();
    {
        // The callers' Pendings may be gone once this is set.
        std::lock_guard lock(batch.mutex);
        batch.committed = true;
    }
    batch.done.notify_all();
    for (auto& owned : batch.owned) {
        owned->done(std::move(owned->result));
    }
    if (onBatch_) {
        onBatch_(size, elapsed);
    }
}

}  // namespace kiod::catalog
