#pragma once

#include "GroupCommitWriter.h"
#include "ReaderPool.h"

#include <kiod/catalog/WrappedKeyStore.h>

namespace kiod::catalog {

// WrappedKeyStore on the catalog file (tables wrapped_keys and
// wrapped_key_counts). Writes go through the catalog's one writer, so that
// they share its batches and never contend with it for the file; reads
// through its reader pool. Wrapped keys are not Kubernetes objects: their
// writes take no revision, leave nothing in the change log and wake no
// watch. `writer` and `readers` must outlive the store.
class SqliteWrappedKeyStore : public WrappedKeyStore {
public:
    SqliteWrappedKeyStore(GroupCommitWriter& writer, ReaderPool& readers);

    Status put(const WrappedKey& key) override;
    Result<WrappedKey> get(const std::string& id) override;
    Status remove(const std::string& id) override;
    Result<std::vector<WrappedKey>> olderThan(std::uint32_t below, const WrappedKeyCursor& after,
                                              std::size_t limit) override;
    Result<std::size_t> replace(const std::vector<Rewrapped>& keys) override;
    Result<std::map<std::uint32_t, std::uint64_t>> countByVersion() override;

    // The reads' SQL, public so that tests can hold their query plans to
    // index ranges. kGetQuery and kOlderThanQuery select a key's columns in
    // the same order.
    static constexpr const char* kGetQuery =
        "SELECT id, owner, key_version, wrapped, created_at FROM wrapped_keys WHERE id = ?1";
    // A row value comparison, so that the cursor is a bound of the index
    // range on (key_version, id) rather than a filter over it.
    static constexpr const char* kOlderThanQuery =
        "SELECT id, owner, key_version, wrapped, created_at FROM wrapped_keys "
        "WHERE key_version < ?1 AND (key_version, id) > (?2, ?3) ORDER BY key_version, id "
        "LIMIT ?4";
    static constexpr const char* kCountsQuery =
        "SELECT key_version, count FROM wrapped_key_counts WHERE count > 0";

private:
    GroupCommitWriter& writer_;
    ReaderPool& readers_;
};

}  // namespace kiod::catalog
