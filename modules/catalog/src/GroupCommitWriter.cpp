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

Status GroupCommitWriter::submit(Write write) {
    auto pending = std::make_unique<Pending>();
    pending->write = std::move(write);
    auto done = pending->done.get_future();
    {
        std::lock_guard lock(mutex_);
        if (stopping_) {
            return Status::unavailable("the catalog is stopping");
        }
        if (queue_.size() >= queueCapacity_) {
            return Status::overloaded("the catalog's write queue is full (" +
                                      std::to_string(queueCapacity_) + " writes); retry later");
        }
        queue_.push_back(std::move(pending));
    }
    queued_.notify_one();
    return done.get();
}

std::size_t GroupCommitWriter::queueDepth() const {
    std::lock_guard lock(mutex_);
    return queue_.size();
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
    std::vector<std::unique_ptr<Pending>> batch;
    while (true) {
        {
            std::unique_lock lock(mutex_);
            queued_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
            if (queue_.empty()) {
                return;  // stopping, and everything queued is done
            }
            while (!queue_.empty() && batch.size() < kMaxBatch) {
                batch.push_back(std::move(queue_.front()));
                queue_.pop_front();
            }
        }
        commit(batch);
        batch.clear();
    }
}

void GroupCommitWriter::commit(std::vector<std::unique_ptr<Pending>>& batch) {
    Revision next = committed_ + 1;
    std::vector<Status> results;
    std::vector<Change> changes;
    results.reserve(batch.size());
    auto started = std::chrono::steady_clock::now();
    try {
        db_->statement("BEGIN IMMEDIATE").step();
        for (auto& pending : batch) {
            db_->statement("SAVEPOINT write").step();
            Revision mark = next;
            WriteContext context(*db_, next);
            Status result = Status::internal("write did not run");
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
            results.push_back(std::move(result));
        }
        db_->statement("COMMIT").step();
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
            .error("commit of %z writes failed: %s", batch.size(), std::string(e.what()));
        results.assign(batch.size(), statusFor(e));
        failing_ = true;
        changes.clear();
    }
    auto elapsed = std::chrono::steady_clock::now() - started;
    if (!changes.empty()) {
        onCommit_(committed_, std::move(changes));
    }
    for (std::size_t i = 0; i < batch.size(); ++i) {
        batch[i]->done.set_value(std::move(results[i]));
    }
    if (onBatch_) {
        onBatch_(batch.size(), elapsed);
    }
}

}  // namespace kiod::catalog
