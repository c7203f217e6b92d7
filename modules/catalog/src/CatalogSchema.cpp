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
    };
    return kMigrations;
}

}  // namespace kiod::catalog
