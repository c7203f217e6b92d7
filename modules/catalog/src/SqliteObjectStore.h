#pragma once

#include "ActionCounts.h"
#include "GroupCommitWriter.h"
#include "ObjectDocument.h"
#include "ReaderPool.h"
#include "SqliteWrappedKeyStore.h"
#include "WatchHub.h"

#include <kiod/catalog/ObjectStore.h>

#include <atomic>
#include <memory>
#include <string>

namespace kiod::catalog {

struct StoreOptions {
    std::string path;
    bool synchronousFull = true;  // else NORMAL: the last commits may be lost on power loss
    int readers = 4;
    std::int64_t mmapBytes = 2147418112;  // of the file each reader maps; SQLite's maximum
    std::size_t writeQueue = 10'000;
    std::size_t watchBacklog = 10'000;  // events a watcher may lag by before it is dropped
};

// ObjectStore on one SQLite file in WAL mode: a GroupCommitWriter for every
// write, a ReaderPool for reads, and a WatchHub fed by the writer. The file
// must already be at the current schema (SchemaMigrator). The file's other
// collection, its wrapped keys, is served on the same writer and readers.
class SqliteObjectStore : public ObjectStore {
public:
    explicit SqliteObjectStore(const StoreOptions& options,
                               GroupCommitWriter::OnBatch onBatch = nullptr);
    ~SqliteObjectStore() override;

    Result<StoredObject> create(const ObjectKey& key, const std::string& json) override;
    void createAsync(const ObjectKey& key, const std::string& json, Created done) override;
    Result<StoredObject> get(const ObjectKey& key) override;
    Result<StoredObject> update(const ObjectKey& key, const std::string& json,
                                Revision expected) override;
    Result<StoredObject> remove(const ObjectKey& key, const Preconditions& preconditions) override;
    Result<std::vector<StoredObject>> apply(const std::vector<Mutation>& mutations) override;
    Result<ListPage> list(const ListOptions& options) override;
    Result<std::unique_ptr<Watch>> watch(const WatchOptions& options) override;
    Revision currentRevision() const override { return hub_.committed(); }

    // The catalog's wrapped keys; valid as long as this store.
    WrappedKeyStore& wrappedKeys() { return *wrappedKeys_; }

    // Drops change-log entries up to `upTo` (never the newest), in batches;
    // watches and continue tokens older than that become Expired.
    Status compactChangeLog(Revision upTo);
    Revision compactedRevision() const { return compacted_.load(); }

    std::size_t writeQueueDepth() const { return writer_->queueDepth(); }
    // Whether the last batch failed to commit (a full or failing disk).
    bool writesFailing() const { return writer_->failing(); }
    std::size_t watchers() const { return hub_.watchers(); }

    // Finishes queued writes and stops the writer; reads keep working.
    void stop();

    // Objects whose spec.expiresAt is at or before `now` (Unix seconds),
    // soonest first, at most `limit`.
    std::vector<ObjectKey> expiredObjects(std::int64_t now, std::size_t limit);

    // Objects of `resource` in one of `states` beyond the newest `keep` of
    // them: the newest `limit` of that surplus, oldest first.
    std::vector<ObjectKey> objectsBeyond(const std::string& resource,
                                         const std::vector<std::string>& states, std::size_t keep,
                                         std::size_t limit);

    // The rows of catalog_actions_count (a small table, never a scan).
    std::vector<ActionCounts::Row> actionCounts();

    // Returns up to `pages` free pages to the file system (auto_vacuum is
    // incremental); the number of free pages left.
    std::int64_t releaseFreePages(int pages);

    // Changes after `after` up to `until`, at most `limit`, oldest first (for
    // watch replay).
    std::vector<Change> readChanges(Revision after, Revision until, std::size_t limit);

private:
    // Validates and parses an object for create and update, on the caller's
    // thread.
    Result<ObjectDocument> prepare(const ObjectKey& key, const std::string& json) const;
    static Revision lastCommitted(const std::string& path);

    std::unique_ptr<ReaderPool> readers_;
    WatchHub hub_;
    std::unique_ptr<GroupCommitWriter> writer_;
    std::unique_ptr<SqliteWrappedKeyStore> wrappedKeys_;
    std::atomic<Revision> compacted_{0};
    std::size_t watchBacklog_;
};

}  // namespace kiod::catalog
