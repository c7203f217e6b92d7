#pragma once

#include <kiod/Status.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace kiod::catalog {

// A data key as the catalog keeps it: sealed by the crypto module under one
// version of its root key, for one owner. The catalog never opens `wrapped`;
// it indexes the version so that after a rotation every key still under an
// older one can be found and rewrapped, and so that a version is never
// trimmed while a key needs it.
struct WrappedKey {
    std::string id;                     // the caller's name for it, unique
    std::string owner;                  // who it is bound to, as the crypto module writes it
    std::uint32_t keyVersion = 0;       // the root key version it is sealed under, from 1
    std::vector<std::uint8_t> wrapped;  // the sealed bytes
    std::int64_t createdAt = 0;         // Unix seconds; set by put(), kept by replace()
};

// Where a walk over keys in (keyVersion, id) order resumes: strictly after
// this key. The default starts at the beginning. Ids order byte by byte
// (memcmp, as std::string compares).
struct WrappedKeyCursor {
    std::uint32_t keyVersion = 0;
    std::string id;
};

// One key's new sealing, for replace().
struct Rewrapped {
    std::string id;
    std::uint32_t fromVersion = 0;  // the version it was read under
    std::uint32_t keyVersion = 0;   // the version it is now sealed under
    std::vector<std::uint8_t> wrapped;
};

// The catalog's collection of wrapped data keys (table wrapped_keys).
// Thread-safe; writes go through the catalog's one writer (group commit,
// acknowledged once durable, Overloaded when its queue is full,
// Unavailable when the disk is full or failing), reads never wait for them.
class WrappedKeyStore {
public:
    static constexpr const char* kServiceName = "catalog.WrappedKeyStore";

    virtual ~WrappedKeyStore() = default;

    // Stores a new key. AlreadyExists when `id` is taken; Invalid for an
    // empty id, an empty `wrapped` or key version 0.
    virtual Status put(const WrappedKey& key) = 0;

    // NotFound when absent.
    virtual Result<WrappedKey> get(const std::string& id) = 0;

    // NotFound when absent.
    virtual Status remove(const std::string& id) = 0;

    // Up to `limit` keys sealed under a version below `below`, in
    // (keyVersion, id) order, strictly after `after`: the next batch of a
    // rewrap. An index range, never a scan of the table.
    virtual Result<std::vector<WrappedKey>> olderThan(std::uint32_t below,
                                                      const WrappedKeyCursor& after,
                                                      std::size_t limit) = 0;

    // Replaces each key's sealing in one transaction, each only if the key
    // is still under `fromVersion` (one removed or rewrapped meanwhile is
    // left alone). Returns how many were replaced. Invalid, and nothing
    // replaced, when an entry has what put() refuses or fromVersion 0. The
    // batch is one write of the catalog's writer: a batch the size of an
    // olderThan page (hundreds, a few thousand) holds other writes up little.
    virtual Result<std::size_t> replace(const std::vector<Rewrapped>& keys) = 0;

    // How many keys each version seals; versions with none are absent. Kept
    // up to date by every write, so it costs no scan.
    virtual Result<std::map<std::uint32_t, std::uint64_t>> countByVersion() = 0;
};

}  // namespace kiod::catalog
