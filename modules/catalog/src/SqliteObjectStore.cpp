#include "SqliteObjectStore.h"

#include "ActionCounts.h"
#include "ContinueToken.h"
#include "ListQuery.h"
#include "ObjectDocument.h"

#include <openssl/rand.h>

#include <algorithm>
#include <ctime>

namespace kiod::catalog {

namespace {

enum ChangeType : int { kAdded = 1, kModified = 2, kDeleted = 3 };

constexpr std::size_t kReplayChunk = 500;

WatchEvent::Type eventType(std::int64_t type) {
    switch (type) {
        case kAdded:
            return WatchEvent::Type::kAdded;
        case kModified:
            return WatchEvent::Type::kModified;
        default:
            return WatchEvent::Type::kDeleted;
    }
}

// A random (version 4) UUID from OpenSSL's DRBG: Poco's generator opens
// /dev/urandom for every one, on the writer's thread.
std::string newUid() {
    unsigned char bytes[16];
    if (RAND_bytes(bytes, sizeof bytes) != 1) {
        throw std::runtime_error("no randomness for a uid");
    }
    bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0f) | 0x40);
    bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3f) | 0x80);
    static const char* kHex = "0123456789abcdef";
    std::string uid;
    for (int i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) {
            uid += '-';
        }
        uid += kHex[bytes[i] >> 4];
        uid += kHex[bytes[i] & 15];
    }
    return uid;
}

using Labels = std::map<std::string, std::string>;

// The integer that stands for `resource` in objects, labels and changes;
// a resource gets one with its first object.
std::int64_t resourceId(SqliteConnection& db, const std::string& resource) {
    auto& known = db.statement("SELECT id FROM resources WHERE name = ?1");
    if (known.bind(1, resource).step()) {
        auto id = known.integer(0);
        known.reset();
        return id;
    }
    auto& added = db.statement("INSERT INTO resources(name) VALUES(?1) RETURNING id");
    added.bind(1, resource).step();
    auto id = added.integer(0);
    added.reset();
    return id;
}

void insertLabels(SqliteConnection& db, std::int64_t resource, const ObjectKey& key,
                  std::int64_t id, const Labels& labels) {
    for (const auto& [name, value] : labels) {
        db.statement(
              "INSERT INTO labels(resource_id, key, value, namespace, name, object_id) "
              "VALUES(?1, ?2, ?3, ?4, ?5, ?6)")
            .bind(1, resource)
            .bind(2, name)
            .bind(3, value)
            .bind(4, key.ns)
            .bind(5, key.name)
            .bind(6, id)
            .step();
    }
}

void deleteLabels(SqliteConnection& db, std::int64_t resource, const ObjectKey& key,
                  const Labels& labels) {
    for (const auto& [name, value] : labels) {
        db.statement(
              "DELETE FROM labels WHERE resource_id = ?1 AND key = ?2 AND value = ?3 AND "
              "namespace = ?4 AND name = ?5")
            .bind(1, resource)
            .bind(2, name)
            .bind(3, value)
            .bind(4, key.ns)
            .bind(5, key.name)
            .step();
    }
}

Status notFound(const ObjectKey& key) {
    return Status::notFound(key.resource + " \"" + key.name + "\" not found");
}

// The stored row of `key`, on the writer's connection.
struct CurrentRow {
    std::int64_t id;
    std::int64_t resource;
    std::string uid;
    std::int64_t createdAt;
    Revision revision;
    std::optional<std::string> state;
    std::string json;
};

std::optional<CurrentRow> currentRow(SqliteConnection& db, const ObjectKey& key) {
    auto& query = db.statement(
        "SELECT id, resource_id, uid, created_at, revision, state, json FROM objects WHERE "
        "resource_id = (SELECT id FROM resources WHERE name = ?1) AND namespace = ?2 AND name = "
        "?3");
    if (!query.bind(1, key.resource).bind(2, key.ns).bind(3, key.name).step()) {
        query.reset();
        return std::nullopt;
    }
    CurrentRow row{query.integer(0),
                   query.integer(1),
                   std::string(query.text(2)),
                   query.integer(3),
                   static_cast<Revision>(query.integer(4)),
                   query.isNull(5) ? std::nullopt : std::optional<std::string>(query.text(5)),
                   std::string(query.text(6))};
    query.reset();
    return row;
}

// A change-log row of an added or modified object does not repeat the
// object's JSON (half the file, half the bytes written): an empty json means
// "as in objects", which holds as long as the object has not changed since.
// The next change to the object pins the JSON into this row first.
constexpr const char* kAsInObjects = "";

void appendChange(SqliteConnection& db, Revision revision, ChangeType type, std::int64_t resource,
                  const ObjectKey& key, const std::string& json) {
    db.statement(
          "INSERT INTO changes(revision, type, resource_id, namespace, name, json) VALUES(?1, ?2, "
          "?3, ?4, ?5, ?6)")
        .bind(1, static_cast<std::int64_t>(revision))
        .bind(2, static_cast<std::int64_t>(type))
        .bind(3, resource)
        .bind(4, key.ns)
        .bind(5, key.name)
        .bind(6, json)
        .step();
}

// Before `key` changes again: the row of its last change, `revision`, gets
// the JSON it had then, if it still points at objects.
void pinChange(SqliteConnection& db, Revision revision, const std::string& json) {
    db.statement("UPDATE changes SET json = ?2 WHERE revision = ?1 AND json = ''")
        .bind(1, static_cast<std::int64_t>(revision))
        .bind(2, json)
        .step();
}

// Whether a stored object's labels meet every requirement.
bool matchesAll(const std::vector<LabelSelector::Requirement>& requirements,
                std::string_view json) {
    auto labels = ObjectDocument::labelsOf(json);
    return std::all_of(requirements.begin(), requirements.end(),
                       [&](const auto& requirement) { return requirement.matches(labels); });
}

// The watch a client holds: first the change log after its revision, read
// in chunks as it consumes them, then the live events its Watcher gathered
// since it subscribed.
class StoreWatch : public Watch {
public:
    StoreWatch(SqliteObjectStore& store, WatchHub& hub, std::shared_ptr<Watcher> watcher,
               Revision after, Revision liveAfter)
        : store_(store),
          hub_(hub),
          watcher_(std::move(watcher)),
          replayed_(after),
          replayUntil_(liveAfter) {}

    ~StoreWatch() override { hub_.unsubscribe(watcher_.get()); }

    Result<std::optional<WatchEvent>> next(std::chrono::milliseconds timeout) override {
        while (replay_.empty() && replayed_ < replayUntil_) {
            if (store_.compactedRevision() > replayed_) {
                return expired();
            }
            try {
                auto changes = store_.readChanges(replayed_, replayUntil_, kReplayChunk);
                replayed_ = changes.empty() ? replayUntil_ : changes.back().event.object.revision;
                for (auto& change : changes) {
                    if (watcher_->filter().matches(change.event.object.key, change.labels)) {
                        replay_.push_back(std::move(change.event));
                    }
                }
            } catch (const SqliteError& e) {
                return statusFor(e);
            }
        }
        if (!replay_.empty()) {
            auto event = std::move(replay_.front());
            replay_.pop_front();
            return std::optional<WatchEvent>(std::move(event));
        }
        if (auto delivery = watcher_->pop(timeout)) {
            auto event = delivery->change->event;
            event.type = delivery->type;
            return std::optional<WatchEvent>(std::move(event));
        }
        if (watcher_->dropped()) {
            return Status::expired(
                "the watch fell too far behind the catalog's changes; list and watch again");
        }
        return std::optional<WatchEvent>();
    }

    void onReady(std::function<void()> ready) override {
        // The change log still to replay counts as waiting events.
        if (ready && (!replay_.empty() || replayed_ < replayUntil_)) {
            ready();
        }
        watcher_->onReady(std::move(ready));
    }

private:
    static Status expired() {
        return Status::expired(
            "too old resource version: the catalog's change log has been compacted past it");
    }

    SqliteObjectStore& store_;
    WatchHub& hub_;
    std::shared_ptr<Watcher> watcher_;
    Revision replayed_;
    Revision replayUntil_;
    std::deque<WatchEvent> replay_;
};

// The writes themselves, on the writer's thread inside a savepoint: a
// failure returned from one undoes everything it did.

Result<StoredObject> createIn(WriteContext& context, const ObjectKey& key,
                              ObjectDocument& document) {
    auto& db = context.db();
    auto resource = resourceId(db, key.resource);
    StoredObject object{key, newUid(), context.takeRevision(), {}};
    auto createdAt = static_cast<std::int64_t>(std::time(nullptr));
    object.json = document.complete(object.uid, createdAt, object.revision);
    auto id = static_cast<std::int64_t>(object.revision);
    auto& insert = db.statement(
        "INSERT INTO objects(id, resource_id, namespace, name, uid, created_at, revision, "
        "state, expires_at, json) "
        "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?1, ?7, ?8, ?9)");
    insert.bind(1, id).bind(2, resource).bind(3, key.ns).bind(4, key.name).bind(5, object.uid);
    insert.bind(6, createdAt).bind(9, object.json);
    document.state() ? insert.bind(7, *document.state()) : insert.bindNull(7);
    document.expiresAt() ? insert.bind(8, *document.expiresAt()) : insert.bindNull(8);
    try {
        insert.step();
    } catch (const SqliteError& e) {
        // objects_by_name is the arbiter: no look-up before the insert.
        if (e.extendedCode() == SQLITE_CONSTRAINT_UNIQUE) {
            return Status::alreadyExists(key.resource + " \"" + key.name + "\" already exists");
        }
        throw;
    }
    insertLabels(db, resource, key, id, document.labels());
    if (auto counted =
            ActionCounts::of(key.resource, key.ns, document.state(), document.labels())) {
        ActionCounts::adjust(db, *counted, "live", +1);
    }
    appendChange(db, object.revision, kAdded, resource, key, kAsInObjects);
    context.publish({{WatchEvent::Type::kAdded, object}, document.labels(), std::nullopt});
    return object;
}

Result<StoredObject> updateIn(WriteContext& context, const ObjectKey& key, ObjectDocument& document,
                              Revision expected) {
    auto& db = context.db();
    auto current = currentRow(db, key);
    if (!current) {
        return notFound(key);
    }
    auto id = current->id;
    const auto& uid = current->uid;
    auto createdAt = current->createdAt;
    auto revision = current->revision;
    const auto& previousState = current->state;
    if ((expected != 0 && expected != revision) ||
        (!document.uid().empty() && document.uid() != uid)) {
        return Status::conflict(
            "Operation cannot be fulfilled on " + key.resource + " \"" + key.name +
            "\": the object has been modified; please apply your changes to the latest "
            "version and try again");
    }
    StoredObject object{key, uid, context.takeRevision(), {}};
    object.json = document.complete(uid, createdAt, object.revision);
    auto& change = db.statement(
        "UPDATE objects SET revision = ?2, state = ?3, expires_at = ?4, json = ?5 WHERE id = "
        "?1");
    change.bind(1, id).bind(2, static_cast<std::int64_t>(object.revision)).bind(5, object.json);
    document.state() ? change.bind(3, *document.state()) : change.bindNull(3);
    document.expiresAt() ? change.bind(4, *document.expiresAt()) : change.bindNull(4);
    change.step();
    auto previousLabels = ObjectDocument::labelsOf(current->json);
    if (auto counted =
            ActionCounts::of(key.resource, key.ns, document.state(), document.labels())) {
        auto before = ActionCounts::of(key.resource, key.ns, previousState, previousLabels);
        ActionCounts::adjust(db, *before, "live", -1);
        ActionCounts::adjust(db, *counted, "live", +1);
    }
    // Most updates are of status: their labels stay as they were.
    if (previousLabels != document.labels()) {
        deleteLabels(db, current->resource, key, previousLabels);
        insertLabels(db, current->resource, key, id, document.labels());
    }
    pinChange(db, revision, current->json);
    appendChange(db, object.revision, kModified, current->resource, key, kAsInObjects);
    context.publish(
        {{WatchEvent::Type::kModified, object}, document.labels(), std::move(previousLabels)});
    return object;
}

Result<StoredObject> removeIn(WriteContext& context, const ObjectKey& key,
                              const Preconditions& preconditions) {
    auto& db = context.db();
    auto current = currentRow(db, key);
    if (!current) {
        return notFound(key);
    }
    auto id = current->id;
    StoredObject object{key, current->uid, current->revision, std::move(current->json)};
    const auto& state = current->state;
    if (!preconditions.uid.empty() && preconditions.uid != object.uid) {
        return Status::conflict("Precondition failed: UID in precondition: " + preconditions.uid +
                                ", UID in object meta: " + object.uid);
    }
    if (preconditions.revision != 0 && preconditions.revision != object.revision) {
        return Status::conflict(
            "Precondition failed: ResourceVersion in precondition: " +
            std::to_string(preconditions.revision) +
            ", ResourceVersion in object meta: " + std::to_string(object.revision));
    }
    auto labels = ObjectDocument::labelsOf(object.json);
    if (auto counted = ActionCounts::of(key.resource, key.ns, state, labels)) {
        ActionCounts::adjust(db, *counted, "live", -1);
        ActionCounts::adjust(db, *counted, "retired", +1);
    }
    db.statement("DELETE FROM objects WHERE id = ?1").bind(1, id).step();
    deleteLabels(db, current->resource, key, labels);
    pinChange(db, object.revision, object.json);
    // The deletion is a change like any other: it has its revision, and
    // watchers resume after it.
    object.revision = context.takeRevision();
    object.json = ObjectDocument::withRevision(object.json, object.revision);
    appendChange(db, object.revision, kDeleted, current->resource, key, object.json);
    context.publish({{WatchEvent::Type::kDeleted, object}, std::move(labels), std::nullopt});
    return object;
}

}  // namespace

Revision SqliteObjectStore::lastCommitted(const std::string& path) {
    SqliteConnection db(path, SqliteConnection::Mode::kReadOnly);
    return static_cast<Revision>(db.queryInteger("SELECT coalesce(max(revision), 0) FROM changes"));
}

SqliteObjectStore::SqliteObjectStore(const StoreOptions& options,
                                     GroupCommitWriter::OnBatch onBatch)
    : readers_(std::make_unique<ReaderPool>(options.path, options.readers, options.mmapBytes)),
      hub_(lastCommitted(options.path)),
      watchBacklog_(options.watchBacklog) {
    auto db = std::make_unique<SqliteConnection>(options.path, SqliteConnection::Mode::kReadWrite);
    // FULL: a write acknowledged to a client survives power loss; WAL makes
    // that one fsync per commit, which group commit shares among a batch.
    db->exec(std::string("PRAGMA synchronous = ") + (options.synchronousFull ? "FULL" : "NORMAL"));
    // Checkpoints run inside a commit; every 10,000 pages (40 MiB of WAL)
    // rather than SQLite's 1,000 spreads their cost over ten times the
    // writes. (A passive checkpoint on another thread cannot keep up with a
    // busy writer, and the WAL then grows without bound.)
    db->exec(
        "PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY; PRAGMA wal_autocheckpoint = "
        "10000");
    compacted_ =
        static_cast<Revision>(db->queryInteger("SELECT coalesce((SELECT CAST(value AS INTEGER) "
                                               "FROM meta WHERE key = 'COMPACTED_REVISION'), 0)"));
    writer_ = std::make_unique<GroupCommitWriter>(
        std::move(db), hub_.committed(), options.writeQueue,
        [this](Revision committed, std::vector<Change>&& changes) {
            readers_->committed();
            hub_.publish(committed, std::move(changes));
        },
        std::move(onBatch));
    wrappedKeys_ = std::make_unique<SqliteWrappedKeyStore>(*writer_, *readers_);
}

SqliteObjectStore::~SqliteObjectStore() {
    stop();
    wrappedKeys_.reset();  // it uses the writer and the readers
    // Readers close before the writer: only the last connection to close
    // checkpoints the WAL and removes -wal and -shm, and only a read-write
    // one can.
    readers_.reset();
    writer_.reset();
}

void SqliteObjectStore::stop() {
    writer_->stop();
}

Result<ObjectDocument> SqliteObjectStore::prepare(const ObjectKey& key,
                                                  const std::string& json) const {
    if (key.resource.empty() || key.name.empty()) {
        return Status::invalid("an object needs a resource and a name");
    }
    return ObjectDocument::parse(key, json);
}

Result<StoredObject> SqliteObjectStore::create(const ObjectKey& key, const std::string& json) {
    auto parsed = prepare(key, json);
    if (!parsed.isOk()) {
        return parsed.status();
    }
    return writer_->submit(
        [&](WriteContext& context) { return createIn(context, key, parsed.value()); });
}

void SqliteObjectStore::createAsync(const ObjectKey& key, const std::string& json, Created done) {
    auto parsed = prepare(key, json);
    if (!parsed.isOk()) {
        done(parsed.status());
        return;
    }
    // Kept by the write until it has run, and by its completion.
    struct Create {
        ObjectKey key;
        ObjectDocument document;
        std::optional<Result<StoredObject>> result;
        Created done;
    };
    auto create = std::make_shared<Create>(
        Create{key, std::move(parsed.value()), std::nullopt, std::move(done)});
    auto queued = writer_->submitAsync(
        [create](WriteContext& context) {
            create->result.emplace(createIn(context, create->key, create->document));
            return create->result->status();
        },
        [create](Status status) {
            // A write that succeeded in a batch whose commit failed failed.
            create->done(status.isOk() ? std::move(*create->result)
                                       : Result<StoredObject>(std::move(status)));
        });
    if (!queued.isOk()) {
        create->done(std::move(queued));
    }
}

Result<StoredObject> SqliteObjectStore::get(const ObjectKey& key) {
    return guarded<StoredObject>([&]() -> Result<StoredObject> {
        auto reader = readers_->acquire();
        auto& query = reader->statement(
            "SELECT uid, revision, json FROM objects WHERE resource_id = (SELECT id FROM resources "
            "WHERE name = ?1) AND namespace = ?2 AND name = ?3");
        if (!query.bind(1, key.resource).bind(2, key.ns).bind(3, key.name).step()) {
            return notFound(key);
        }
        StoredObject object{key, std::string(query.text(0)),
                            static_cast<Revision>(query.integer(1)), std::string(query.text(2))};
        query.reset();
        return object;
    });
}

Result<StoredObject> SqliteObjectStore::update(const ObjectKey& key, const std::string& json,
                                               Revision expected) {
    auto parsed = prepare(key, json);
    if (!parsed.isOk()) {
        return parsed.status();
    }
    return writer_->submit(
        [&](WriteContext& context) { return updateIn(context, key, parsed.value(), expected); });
}

Result<StoredObject> SqliteObjectStore::remove(const ObjectKey& key,
                                               const Preconditions& preconditions) {
    return writer_->submit(
        [&](WriteContext& context) { return removeIn(context, key, preconditions); });
}

Result<std::vector<StoredObject>> SqliteObjectStore::apply(const std::vector<Mutation>& mutations) {
    // Parsed here, on the caller's thread, like a single create or update.
    std::vector<std::optional<ObjectDocument>> documents;
    for (const auto& mutation : mutations) {
        if (mutation.kind == Mutation::Kind::kRemove) {
            documents.emplace_back();
            continue;
        }
        auto parsed = prepare(mutation.key, mutation.json);
        if (!parsed.isOk()) {
            return parsed.status();
        }
        documents.emplace_back(std::move(parsed).value());
    }
    // One write, so one savepoint: the first failure undoes them all.
    return writer_->submit([&](WriteContext& context) -> Result<std::vector<StoredObject>> {
        std::vector<StoredObject> applied;
        for (std::size_t i = 0; i < mutations.size(); ++i) {
            const auto& mutation = mutations[i];
            auto done = [&]() -> Result<StoredObject> {
                switch (mutation.kind) {
                    case Mutation::Kind::kCreate:
                        return createIn(context, mutation.key, *documents[i]);
                    case Mutation::Kind::kUpdate:
                        return updateIn(context, mutation.key, *documents[i], mutation.expected);
                    case Mutation::Kind::kRemove:
                        break;
                }
                return removeIn(context, mutation.key, mutation.preconditions);
            }();
            if (!done.isOk()) {
                return done.status();
            }
            applied.push_back(std::move(done).value());
        }
        return applied;
    });
}

Result<ListPage> SqliteObjectStore::list(const ListOptions& options) {
    auto selector = LabelSelector::parse(options.labelSelector);
    if (!selector.isOk()) {
        return selector.status();
    }
    ContinueToken from;
    bool continuing = !options.continueToken.empty();
    if (continuing) {
        auto decoded = ContinueToken::decode(options.continueToken);
        if (!decoded.isOk()) {
            return decoded.status();
        }
        from = decoded.value();
        if (from.order != options.order) {
            return Status::badRequest(
                "invalid continue token: it belongs to a list in another order");
        }
        if (from.revision < compacted_.load()) {
            return Status::expired(
                "The provided continue parameter is too old to display a consistent list result. "
                "You can start a "
                "new list without the continue parameter.");
        }
    }
    Revision pinned = continuing ? from.revision : hub_.committed();
    auto query = ListQuery::build(options, selector.value(), continuing ? &from : nullptr);

    return guarded<ListPage>([&]() -> Result<ListPage> {
        auto reader = readers_->acquire();
        auto& rows = reader->statement(query.sql);
        rows.bind(1, static_cast<std::int64_t>(pinned));
        for (std::size_t i = 0; i < query.parameters.size(); ++i) {
            rows.bind(static_cast<int>(i + 2), query.parameters[i]);
        }
        ListPage page;
        page.revision = pinned;
        std::int64_t lastId = 0;
        while (rows.step()) {
            if (!query.residual.empty() && !matchesAll(query.residual, rows.text(5))) {
                continue;
            }
            if (options.limit > 0 && page.items.size() == options.limit) {
                const auto& last = page.items.back();
                page.continueToken =
                    ContinueToken{pinned, options.order, last.key.ns, last.key.name, lastId}
                        .encode();
                break;
            }
            lastId = rows.integer(0);
            page.items.push_back(
                {{options.resource, std::string(rows.text(1)), std::string(rows.text(2))},
                 std::string(rows.text(3)),
                 static_cast<Revision>(rows.integer(4)),
                 std::string(rows.text(5))});
        }
        rows.reset();
        return page;
    });
}

std::vector<Change> SqliteObjectStore::readChanges(Revision after, Revision until,
                                                   std::size_t limit) {
    auto reader = readers_->acquire();
    auto& query = reader->statement(
        "SELECT c.revision, c.type, r.name, c.namespace, c.name, "
        "CASE WHEN c.json = '' THEN o.json ELSE c.json END FROM changes c "
        "JOIN resources r ON r.id = c.resource_id "
        "LEFT JOIN objects o ON c.json = '' AND o.resource_id = c.resource_id AND o.namespace = "
        "c.namespace AND o.name = c.name WHERE c.revision > ?1 AND c.revision <= ?2 ORDER BY "
        "c.revision LIMIT ?3");
    query.bind(1, static_cast<std::int64_t>(after))
        .bind(2, static_cast<std::int64_t>(until))
        .bind(3, static_cast<std::int64_t>(limit));
    std::vector<Change> changes;
    while (query.step()) {
        Change change;
        change.event.type = eventType(query.integer(1));
        change.event.object.key = {std::string(query.text(2)), std::string(query.text(3)),
                                   std::string(query.text(4))};
        change.event.object.revision = static_cast<Revision>(query.integer(0));
        change.event.object.json = std::string(query.text(5));
        change.labels = ObjectDocument::labelsOf(change.event.object.json);
        changes.push_back(std::move(change));
    }
    query.reset();
    return changes;
}

Result<std::unique_ptr<Watch>> SqliteObjectStore::watch(const WatchOptions& options) {
    auto selector = LabelSelector::parse(options.labelSelector);
    if (!selector.isOk()) {
        return selector.status();
    }
    if (options.after < compacted_.load()) {
        return Status::expired("too old resource version: " + std::to_string(options.after) + " (" +
                               std::to_string(compacted_.load()) + ")");
    }
    auto [watcher, liveAfter] = hub_.subscribe(
        WatchFilter{options.resource, options.ns, options.name, std::move(selector).value()},
        watchBacklog_);
    return std::unique_ptr<Watch>(
        std::make_unique<StoreWatch>(*this, hub_, std::move(watcher), options.after, liveAfter));
}

Status SqliteObjectStore::compactChangeLog(Revision upTo) {
    upTo = std::min(upTo, hub_.committed() > 0 ? hub_.committed() - 1 : 0);
    if (upTo <= compacted_.load()) {
        return Status::ok();
    }
    // Through the writer, in its own transactions: small batches, so that
    // compaction never holds other writes up for long.
    auto status = writer_->submit([&](WriteContext& context) {
        auto& db = context.db();
        db.statement("DELETE FROM changes WHERE revision <= ?1")
            .bind(1, static_cast<std::int64_t>(upTo))
            .step();
        db.statement(
              "INSERT INTO meta(key, value) VALUES('COMPACTED_REVISION', ?1) "
              "ON CONFLICT(key) DO UPDATE SET value = excluded.value")
            .bind(1, std::to_string(upTo))
            .step();
        return Status::ok();
    });
    if (status.isOk()) {
        compacted_ = upTo;
    }
    return status;
}

}  // namespace kiod::catalog

namespace kiod::catalog {

std::vector<ObjectKey> SqliteObjectStore::expiredObjects(std::int64_t now, std::size_t limit) {
    auto reader = readers_->acquire();
    auto& query = reader->statement(
        "SELECT r.name, o.namespace, o.name FROM objects o JOIN resources r ON r.id = "
        "o.resource_id WHERE o.expires_at <= ?1 ORDER BY o.expires_at LIMIT ?2");
    query.bind(1, now).bind(2, static_cast<std::int64_t>(limit));
    std::vector<ObjectKey> keys;
    while (query.step()) {
        keys.push_back(
            {std::string(query.text(0)), std::string(query.text(1)), std::string(query.text(2))});
    }
    query.reset();
    return keys;
}

std::vector<ObjectKey> SqliteObjectStore::objectsBeyond(const std::string& resource,
                                                        const std::vector<std::string>& states,
                                                        std::size_t keep, std::size_t limit) {
    std::string in;
    for (std::size_t i = 0; i < states.size(); ++i) {
        in += (i ? ", ?" : "?") + std::to_string(i + 4);
    }
    // Reads the index ranges of these states only; retention keeps them
    // near `keep` entries, so this stays small.
    auto reader = readers_->acquire();
    auto& query = reader->statement(
        "SELECT namespace, name FROM objects WHERE resource_id = (SELECT id FROM "
        "resources WHERE name = ?1) AND state IN (" +
        in + ") ORDER BY id DESC LIMIT ?2 OFFSET ?3");
    query.bind(1, resource)
        .bind(2, static_cast<std::int64_t>(limit))
        .bind(3, static_cast<std::int64_t>(keep));
    for (std::size_t i = 0; i < states.size(); ++i) {
        query.bind(static_cast<int>(i + 4), states[i]);
    }
    std::vector<ObjectKey> keys;
    while (query.step()) {
        keys.push_back({resource, std::string(query.text(0)), std::string(query.text(1))});
    }
    query.reset();
    // Oldest first, so that an interrupted run removed the oldest.
    std::reverse(keys.begin(), keys.end());
    return keys;
}

std::int64_t SqliteObjectStore::releaseFreePages(int pages) {
    auto status = writer_->submit([&](WriteContext& context) {
        auto& db = context.db();
        db.exec("PRAGMA incremental_vacuum(" + std::to_string(pages) + ")");
        return Status::ok();
    });
    auto reader = readers_->acquire();
    return status.isOk() ? reader->queryInteger("PRAGMA freelist_count") : -1;
}

}  // namespace kiod::catalog

namespace kiod::catalog {

std::vector<ActionCounts::Row> SqliteObjectStore::actionCounts() {
    auto reader = readers_->acquire();
    return ActionCounts::read(*reader);
}

}  // namespace kiod::catalog
