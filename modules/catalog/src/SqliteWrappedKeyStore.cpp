#include "SqliteWrappedKeyStore.h"

#include <algorithm>
#include <ctime>
#include <limits>

namespace kiod::catalog {

namespace {

Status notFound(const std::string& id) {
    return Status::notFound("wrapped key \"" + id + "\" not found");
}

// What put() and replace() refuse: a key the catalog could not find again
// by its id, or whose version would count as none.
Status checkSealing(const std::string& id, std::uint32_t keyVersion,
                    const std::vector<std::uint8_t>& wrapped) {
    if (id.empty()) {
        return Status::invalid("a wrapped key needs an id");
    }
    if (keyVersion == 0) {
        return Status::invalid("wrapped key \"" + id + "\": key versions start at 1");
    }
    if (wrapped.empty()) {
        return Status::invalid("wrapped key \"" + id + "\" has no wrapped bytes");
    }
    return Status::ok();
}

// Adds `delta` to the keys counted under `version`; on the writer's
// connection, in the transaction of the write that changed them.
void count(SqliteConnection& db, std::int64_t version, std::int64_t delta) {
    db.statement(
          "INSERT INTO wrapped_key_counts(key_version, count) VALUES(?1, ?2) "
          "ON CONFLICT DO UPDATE SET count = count + excluded.count")
        .bind(1, version)
        .bind(2, delta)
        .step();
}

// The key in the current row of kGetQuery or kOlderThanQuery.
WrappedKey keyAt(const SqliteStatement& row) {
    auto wrapped = row.blob(3);
    return {std::string(row.text(0)), std::string(row.text(1)),
            static_cast<std::uint32_t>(row.integer(2)),
            std::vector<std::uint8_t>(wrapped.begin(), wrapped.end()), row.integer(4)};
}

}  // namespace

SqliteWrappedKeyStore::SqliteWrappedKeyStore(GroupCommitWriter& writer, ReaderPool& readers)
    : writer_(writer), readers_(readers) {}

Status SqliteWrappedKeyStore::put(const WrappedKey& key) {
    if (auto invalid = checkSealing(key.id, key.keyVersion, key.wrapped); !invalid.isOk()) {
        return invalid;
    }
    return writer_.submit([&](WriteContext& context) {
        auto& db = context.db();
        // The primary key is the arbiter: no look-up before the insert.
        db.statement(
              "INSERT INTO wrapped_keys(id, owner, key_version, wrapped, created_at) "
              "VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(id) DO NOTHING")
            .bind(1, key.id)
            .bind(2, key.owner)
            .bind(3, static_cast<std::int64_t>(key.keyVersion))
            .bind(4, key.wrapped)
            .bind(5, static_cast<std::int64_t>(std::time(nullptr)))
            .step();
        if (db.changes() == 0) {
            return Status::alreadyExists("wrapped key \"" + key.id + "\" already exists");
        }
        count(db, key.keyVersion, +1);
        return Status::ok();
    });
}

Result<WrappedKey> SqliteWrappedKeyStore::get(const std::string& id) {
    return guarded<WrappedKey>([&]() -> Result<WrappedKey> {
        auto reader = readers_.acquire();
        auto& query = reader->statement(kGetQuery);
        if (!query.bind(1, id).step()) {
            return notFound(id);
        }
        auto key = keyAt(query);
        query.reset();
        return key;
    });
}

Status SqliteWrappedKeyStore::remove(const std::string& id) {
    return writer_.submit([&](WriteContext& context) {
        auto& db = context.db();
        auto& removed =
            db.statement("DELETE FROM wrapped_keys WHERE id = ?1 RETURNING key_version");
        if (!removed.bind(1, id).step()) {
            return notFound(id);
        }
        auto version = removed.integer(0);
        removed.reset();
        count(db, version, -1);
        return Status::ok();
    });
}

Result<std::vector<WrappedKey>> SqliteWrappedKeyStore::olderThan(std::uint32_t below,
                                                                 const WrappedKeyCursor& after,
                                                                 std::size_t limit) {
    // SQLite reads a negative LIMIT as none at all.
    auto rows = static_cast<std::int64_t>(
        std::min<std::size_t>(limit, std::numeric_limits<std::int64_t>::max()));
    return guarded<std::vector<WrappedKey>>([&]() -> Result<std::vector<WrappedKey>> {
        auto reader = readers_.acquire();
        auto& query = reader->statement(kOlderThanQuery);
        query.bind(1, static_cast<std::int64_t>(below))
            .bind(2, static_cast<std::int64_t>(after.keyVersion))
            .bind(3, after.id)
            .bind(4, rows);
        std::vector<WrappedKey> keys;
        while (query.step()) {
            keys.push_back(keyAt(query));
        }
        query.reset();
        return keys;
    });
}

Result<std::size_t> SqliteWrappedKeyStore::replace(const std::vector<Rewrapped>& keys) {
    for (const auto& key : keys) {
        if (auto invalid = checkSealing(key.id, key.keyVersion, key.wrapped); !invalid.isOk()) {
            return invalid;
        }
        if (key.fromVersion == 0) {
            return Status::invalid("wrapped key \"" + key.id + "\": key versions start at 1");
        }
    }
    // One write, so one savepoint: the batch is replaced whole or not at all.
    return writer_.submit([&](WriteContext& context) -> Result<std::size_t> {
        auto& db = context.db();
        std::size_t replaced = 0;
        for (const auto& key : keys) {
            // Compare and swap on the version: a key removed or rewrapped
            // since the caller read it matches no row and is left alone.
            db.statement(
                  "UPDATE wrapped_keys SET key_version = ?3, wrapped = ?4 "
                  "WHERE id = ?1 AND key_version = ?2")
                .bind(1, key.id)
                .bind(2, static_cast<std::int64_t>(key.fromVersion))
                .bind(3, static_cast<std::int64_t>(key.keyVersion))
                .bind(4, key.wrapped)
                .step();
            if (db.changes() == 0) {
                continue;
            }
            count(db, key.fromVersion, -1);
            count(db, key.keyVersion, +1);
            ++replaced;
        }
        return replaced;
    });
}

Result<std::map<std::uint32_t, std::uint64_t>> SqliteWrappedKeyStore::countByVersion() {
    using Counts = std::map<std::uint32_t, std::uint64_t>;
    return guarded<Counts>([&]() -> Result<Counts> {
        auto reader = readers_.acquire();
        auto& query = reader->statement(kCountsQuery);
        Counts counts;
        while (query.step()) {
            counts.emplace(static_cast<std::uint32_t>(query.integer(0)),
                           static_cast<std::uint64_t>(query.integer(1)));
        }
        query.reset();
        return counts;
    });
}

}  // namespace kiod::catalog
