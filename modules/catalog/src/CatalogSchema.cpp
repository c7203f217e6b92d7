// The catalog's schema, as numbered migrations. Never edit a released
// migration: add the next one.
#include "SchemaMigrator.h"

namespace kiod::catalog {

const std::vector<Migration>& catalogMigrations() {
    static const std::vector<Migration> kMigrations = {
        {1, "objects, labels, change log and wrapped keys",
         R"sql(
-- Current objects. The rowid is the revision that created the object: it
-- never changes and is never reused, so it orders objects newest first and
-- serves as their key in labels.
CREATE TABLE objects(
    id INTEGER PRIMARY KEY,
    resource TEXT NOT NULL,           -- plural.group, e.g. backupactions.actions.kio.kasten.io
    namespace TEXT NOT NULL,          -- '' for cluster-scoped objects
    name TEXT NOT NULL,
    uid TEXT NOT NULL,
    created_at INTEGER NOT NULL,      -- creationTimestamp, Unix seconds
    revision INTEGER NOT NULL,        -- resourceVersion: the last change
    state TEXT,                       -- status.state, for field selectors and retention
    expires_at INTEGER,               -- spec.expiresAt, Unix seconds
    json TEXT NOT NULL                -- the object as served, metadata filled in
) STRICT;
CREATE UNIQUE INDEX objects_by_name ON objects(resource, namespace, name);
CREATE INDEX objects_by_namespace ON objects(resource, namespace, id);
CREATE INDEX objects_by_resource ON objects(resource, id);
CREATE INDEX objects_by_bare_name ON objects(resource, name);
CREATE INDEX objects_by_state ON objects(resource, state, id);
CREATE INDEX objects_by_expiry ON objects(expires_at) WHERE expires_at IS NOT NULL;

-- One row per label of each object.
CREATE TABLE labels(
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    object_id INTEGER NOT NULL,
    PRIMARY KEY(key, value, object_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX labels_by_object ON labels(object_id, key);

-- Every committed change, keyed by its revision: what watches replay.
-- Compacted from the oldest end.
CREATE TABLE changes(
    revision INTEGER PRIMARY KEY,
    type INTEGER NOT NULL,            -- 1 added, 2 modified, 3 deleted
    resource TEXT NOT NULL,
    namespace TEXT NOT NULL,
    name TEXT NOT NULL,
    json TEXT NOT NULL                -- the object after the change (before it, for a delete);
                                      -- empty: as in objects, until the object changes again
) STRICT;

-- Data keys wrapped by a root key version (the crypto module's).
CREATE TABLE wrapped_keys(
    id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    key_version INTEGER NOT NULL,
    wrapped BLOB NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX wrapped_keys_by_version ON wrapped_keys(key_version);
)sql"},
        {2, "action counts for catalog_actions_count",
         R"sql(
-- Actions per type, status, namespace, policy and liveness, kept up to date
-- by every write so that the metric never needs a scan of objects.
CREATE TABLE action_counts(
    type TEXT NOT NULL,               -- backup, restore, export, import, run, ...
    status TEXT NOT NULL,             -- status.state, lower case
    namespace TEXT NOT NULL,
    policy TEXT NOT NULL,             -- the k10.kasten.io/policyName label
    liveness TEXT NOT NULL,           -- live, or retired once deleted
    count INTEGER NOT NULL,
    PRIMARY KEY(type, status, namespace, policy, liveness)
) STRICT, WITHOUT ROWID;
-- The one scan, once: the actions already in the catalog.
INSERT INTO action_counts
SELECT substr(o.resource, 1, instr(o.resource, 'actions.actions.kio.kasten.io') - 1),
       lower(coalesce(o.state, '')), o.namespace, coalesce(l.value, ''), 'live', count(*)
FROM objects o LEFT JOIN labels l ON l.object_id = o.id AND l.key = 'k10.kasten.io/policyName'
WHERE o.resource LIKE '%actions.actions.kio.kasten.io'
GROUP BY 1, 2, 3, 4;
)sql"},
        {3, "resources as integers; labels in name order too",
         R"sql(
-- Every index on objects began with the 35-byte resource name, in every
-- entry; an integer instead makes each index entry, each change-log row
-- and each comparison on the write path smaller.
CREATE TABLE resources(
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE         -- plural.group, e.g. backupactions.actions.kio.kasten.io
) STRICT;
INSERT INTO resources(name) SELECT resource FROM objects UNION SELECT resource FROM changes;

CREATE TABLE objects3(
    id INTEGER PRIMARY KEY,           -- the revision that created the object
    resource_id INTEGER NOT NULL,     -- resources.id
    namespace TEXT NOT NULL,          -- '' for cluster-scoped objects
    name TEXT NOT NULL,
    uid TEXT NOT NULL,
    created_at INTEGER NOT NULL,      -- creationTimestamp, Unix seconds
    revision INTEGER NOT NULL,        -- resourceVersion: the last change
    state TEXT,                       -- status.state, for field selectors and retention
    expires_at INTEGER,               -- spec.expiresAt, Unix seconds
    json TEXT NOT NULL                -- the object as served, metadata filled in
) STRICT;
INSERT INTO objects3
SELECT o.id, r.id, o.namespace, o.name, o.uid, o.created_at, o.revision, o.state, o.expires_at, o.json
FROM objects o JOIN resources r ON r.name = o.resource ORDER BY o.id;

-- Labels carry the object's namespace and name, so that a label's objects
-- come in Kubernetes' list order (namespace, name) straight from the
-- primary key, and newest first from labels_by_id: both are index ranges
-- however many objects carry the label. An object's labels are found
-- through its JSON, so no index by object is needed.
CREATE TABLE labels3(
    resource_id INTEGER NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    namespace TEXT NOT NULL,
    name TEXT NOT NULL,
    object_id INTEGER NOT NULL,
    PRIMARY KEY(resource_id, key, value, namespace, name)
) STRICT, WITHOUT ROWID;
INSERT INTO labels3
SELECT o.resource_id, l.key, l.value, o.namespace, o.name, l.object_id
FROM labels l JOIN objects3 o ON o.id = l.object_id ORDER BY 1, 2, 3, 4, 5;

CREATE TABLE changes3(
    revision INTEGER PRIMARY KEY,
    type INTEGER NOT NULL,            -- 1 added, 2 modified, 3 deleted
    resource_id INTEGER NOT NULL,
    namespace TEXT NOT NULL,
    name TEXT NOT NULL,
    json TEXT NOT NULL                -- the object after the change (before it, for a delete);
                                      -- empty: as in objects, until the object changes again
) STRICT;
INSERT INTO changes3
SELECT c.revision, c.type, r.id, c.namespace, c.name, c.json
FROM changes c JOIN resources r ON r.name = c.resource ORDER BY c.revision;

DROP TABLE objects;
DROP TABLE labels;
DROP TABLE changes;
ALTER TABLE objects3 RENAME TO objects;
ALTER TABLE labels3 RENAME TO labels;
ALTER TABLE changes3 RENAME TO changes;

CREATE UNIQUE INDEX objects_by_name ON objects(resource_id, namespace, name);
CREATE INDEX objects_by_namespace ON objects(resource_id, namespace, id);
CREATE INDEX objects_by_resource ON objects(resource_id, id);
-- A name across namespaces, in namespace order.
CREATE INDEX objects_by_bare_name ON objects(resource_id, name, namespace);
-- A state newest first (retention) and in list order (field selectors):
-- without the second, a page of a common state would sort every object in it.
CREATE INDEX objects_by_state ON objects(resource_id, state, id);
CREATE INDEX objects_by_state_name ON objects(resource_id, state, namespace, name);
CREATE INDEX objects_by_expiry ON objects(expires_at) WHERE expires_at IS NOT NULL;
CREATE INDEX labels_by_id ON labels(resource_id, key, value, object_id);
)sql"},
        {4, "wrapped keys in (version, id) order, and counted per version",
         R"sql(
-- A rewrap walks the keys under old versions in (key_version, id) order,
-- a batch at a time from a cursor: with id in the index that is one index
-- range, where an index on the version alone sorts all of a version's keys
-- for every batch.
DROP INDEX wrapped_keys_by_version;
CREATE INDEX wrapped_keys_by_version ON wrapped_keys(key_version, id);

-- Keys per root key version, kept up to date by every write so that
-- whether a version still seals any key (may it be trimmed?) never needs
-- a scan. A version whose keys are all gone keeps a row with count 0.
CREATE TABLE wrapped_key_counts(
    key_version INTEGER PRIMARY KEY,
    count INTEGER NOT NULL
) STRICT;
-- The one scan, once (of the index): the keys already in the catalog.
INSERT INTO wrapped_key_counts
SELECT key_version, count(*) FROM wrapped_keys GROUP BY key_version;
)sql"},
    };
    return kMigrations;
}

}  // namespace kiod::catalog
