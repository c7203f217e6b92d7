#pragma once

#include <kiod/Status.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kiod::catalog {

// The global revision: every committed change takes the next one, and an
// object's resourceVersion is the revision of its last change.
using Revision = std::uint64_t;

// Where an object lives.
struct ObjectKey {
    std::string resource;  // plural.group: backupactions.actions.kio.kasten.io
    std::string ns;        // the namespace; empty for cluster-scoped objects
    std::string name;
};

// An object as stored: exactly the bytes to serve, metadata filled in.
struct StoredObject {
    ObjectKey key;
    std::string uid;
    Revision revision = 0;
    std::string json;
};

// Preconditions of a delete, as in metav1.DeleteOptions: empty or zero
// means unchecked.
struct Preconditions {
    std::string uid;
    Revision revision = 0;
};

// One of several writes that commit together or not at all (ObjectStore::apply).
struct Mutation {
    enum class Kind { kCreate, kUpdate, kRemove };

    static Mutation create(ObjectKey key, std::string json) {
        return {Kind::kCreate, std::move(key), std::move(json), 0, {}};
    }
    static Mutation update(ObjectKey key, std::string json, Revision expected) {
        return {Kind::kUpdate, std::move(key), std::move(json), expected, {}};
    }
    static Mutation remove(ObjectKey key, Preconditions preconditions = {}) {
        return {Kind::kRemove, std::move(key), {}, 0, std::move(preconditions)};
    }

    Kind kind;
    ObjectKey key;
    std::string json;             // create and update
    Revision expected = 0;        // update, as in ObjectStore::update
    Preconditions preconditions;  // remove
};

struct ListOptions {
    enum class Order {
        kByName,       // namespace, then name: Kubernetes' order
        kNewestFirst,  // most recently created first
    };

    std::string resource;
    std::string ns;             // empty: every namespace (or cluster scope)
    std::string labelSelector;  // Kubernetes syntax; BadRequest when malformed
    std::string name;           // field selector metadata.name=NAME
    std::string state;          // field selector status.state=STATE
    std::size_t limit = 0;      // 0: everything
    std::string continueToken;  // from the previous page
    Order order = Order::kByName;
};

struct ListPage {
    std::vector<StoredObject> items;
    // The list's resourceVersion: the revision the first page was read at.
    // Every page of one list carries the same one.
    Revision revision = 0;
    // Empty on the last page. Opaque; BadRequest when tampered with, Expired
    // once the change log has been compacted past its revision.
    std::string continueToken;
};

struct WatchEvent {
    enum class Type { kAdded, kModified, kDeleted };
    Type type;
    StoredObject object;  // for kDeleted, the object as it was, at the deletion's revision
};

struct WatchOptions {
    std::string resource;
    std::string ns;
    std::string labelSelector;
    std::string name;
    // Events after this revision: first those in the change log, then live
    // ones. Expired when the log has been compacted past it.
    Revision after = 0;
};

// A stream of events in revision order with no gaps. A watcher that falls
// too far behind is dropped (next() answers Expired), so that a slow client
// never holds the writer up; it lists again and watches from there.
//
// With a label selector, a live modification that makes an object match
// comes as kAdded and one that makes it stop matching as kDeleted (the
// object as it is now), as kube-apiserver's watch cache shows them. The
// replay of the change log knows only the labels after each change: there
// it shows the changes of objects that match after them.
class Watch {
public:
    virtual ~Watch() = default;
    // The next event, or nullopt when none arrived within `timeout`.
    virtual Result<std::optional<WatchEvent>> next(std::chrono::milliseconds timeout) = 0;

    // For a consumer that holds no thread per watch (a server with a
    // thousand open watch streams): `ready` is called whenever next(0) may
    // have something for it: at once if events are already waiting, then
    // after each commit that brings this watch events, and when the watch
    // is dropped. It runs on the catalog's writer thread, so it must return
    // in microseconds and must not call into the store or this Watch:
    // schedule the draining of next(0) on a thread of your own. Set it once.
    // Destroying the Watch stops the calls, and waits for one in progress.
    virtual void onReady(std::function<void()> ready) = 0;
};

// A durable store of Kubernetes-style objects. Thread-safe. Writes are
// acknowledged once they are on disk (as `[catalog] synchronous` says);
// reads never wait for writes.
class ObjectStore {
public:
    static constexpr const char* kServiceName = "catalog.ObjectStore";

    virtual ~ObjectStore() = default;

    // Stores a new object. `json` is a JSON object; its metadata.name and
    // metadata.namespace, when present, must agree with `key`. The store
    // sets metadata.uid, resourceVersion and creationTimestamp, and
    // generation when absent. AlreadyExists if the name is taken, Invalid
    // for a malformed object, Overloaded when the write queue is full
    // (retry later), Unavailable when the disk is full or failing.
    virtual Result<StoredObject> create(const ObjectKey& key, const std::string& json) = 0;

    // The same without waiting: `done` gets what create() would return,
    // once the write has committed (or failed), on a thread of the store's
    // and must not block: a server that answers from there holds no thread
    // while the write waits for its commit. A store that cannot do better
    // runs create() and calls `done` before returning, which this does.
    using Created = std::function<void(Result<StoredObject>)>;
    virtual void createAsync(const ObjectKey& key, const std::string& json, Created done) {
        done(create(key, json));
    }

    // NotFound when absent.
    virtual Result<StoredObject> get(const ObjectKey& key) = 0;

    // Replaces the object, keeping its uid and creationTimestamp. With a
    // non-zero `expected`, Conflict unless that is its current revision.
    virtual Result<StoredObject> update(const ObjectKey& key, const std::string& json,
                                        Revision expected) = 0;

    // Deletes the object and returns it as it was, with the deletion's
    // revision as its resourceVersion. Conflict when a precondition does not
    // hold, NotFound when absent.
    virtual Result<StoredObject> remove(const ObjectKey& key,
                                        const Preconditions& preconditions) = 0;

    // Applies `mutations` in order in one transaction, each seeing those
    // before it, each with the next revision: all of them or, at the first
    // that fails, none (that failure's Status, as the single call would
    // give it). Returns the objects as the single calls would.
    virtual Result<std::vector<StoredObject>> apply(const std::vector<Mutation>& mutations) = 0;

    // A page of objects. Pages never scan a whole resource: each is an
    // index range.
    virtual Result<ListPage> list(const ListOptions& options) = 0;

    virtual Result<std::unique_ptr<Watch>> watch(const WatchOptions& options) = 0;

    // The revision of the last committed change.
    virtual Revision currentRevision() const = 0;
};

}  // namespace kiod::catalog
