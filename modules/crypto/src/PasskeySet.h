#pragma once

#include "Passkey.h"
#include "Scrypt.h"

#include <kiod/Status.h>
#include <kiod/crypto/SecretBytes.h>

#include <array>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace kiod::crypto {

// The passkeys protecting the primary key: one PasskeyRecord per named
// passkey, all sealing the same 32-byte primary key, and serialized as one
// blob for the catalog to persist (docs/CRYPTO_FORMAT.md, "Passkey set").
// Any one passkey unlocks the primary key; adding a passkey needs the
// primary key unlocked; the last passkey cannot be deleted. Changing a
// passphrase is add, then delete.
//
// The set also stores a check value of its primary key,
// HKDF-SHA256(primary key, info "kiod.primary-key.check.v1"), so that add()
// refuses a primary key other than the one the set protects (two passkeys
// unlocking different keys would lose data), and so that unlock() refuses a
// record that authenticates but holds another key (one copied, under the
// same name and passphrase, from another installation's set).
//
// Not thread-safe, by design: it is a value. Its owner must serialize a
// change with persisting the new bytes (add, serialize, write in one
// transaction, or a concurrent delete could persist a set without the new
// passkey), so the lock belongs to the owner around both, not in here.
// Concurrent const calls (unlock, names, serialize) are safe.
class PasskeySet {
public:
    static constexpr std::size_t kMaxNameSize = 253;  // a Kubernetes object name

    // An empty set: protects no key yet; the first add() fixes which.
    PasskeySet() = default;

    // The set serialize() wrote. Invalid naming what is wrong when the bytes
    // are not one (each record's structure is checked too, so that unlock
    // later meets only well-formed records).
    static Result<PasskeySet> parse(ByteView bytes);
    Bytes serialize() const;

    // Seals `primaryKey` (32 bytes) under `passkey` as passkey `name`.
    // AlreadyExists if the name is taken; Invalid for an empty or overlong
    // name, or when `primaryKey` is not the key the set already protects.
    // `scrypt` applies to passphrases (tests use cheaper parameters).
    Status add(const std::string& name, const Passkey& passkey, ByteView primaryKey,
               const ScryptParameters& scrypt = {});

    // The primary key, unlocked by passkey `name`. NotFound for an unknown
    // name; wrongPasskey() (PasskeyRecord.h) when `passkey` does not open it.
    Result<SecretBytes> unlock(std::string_view name, const Passkey& passkey) const;

    // The primary key, unlocked by whichever passkey of `passkey`'s kind it
    // opens, tried in name order (each passphrase try costs one scrypt
    // derivation). wrongPasskey() when none opens; Unavailable when the set
    // is empty.
    Result<SecretBytes> unlock(const Passkey& passkey) const;

    // Deletes passkey `name`. NotFound for an unknown name; Conflict when it
    // is the last one, since the primary key, and every key under it, would
    // then be lost for good.
    Status remove(std::string_view name);
    // What remove(name) would answer, without removing.
    Status checkRemove(std::string_view name) const;

    // The passkeys' names, sorted.
    std::vector<std::string> names() const;
    std::size_t size() const { return records_.size(); }

private:
    using Check = std::array<std::uint8_t, 32>;

    static Result<Check> checkOf(ByteView primaryKey);
    // The primary key in `record` for `name`, verified against check_.
    Result<SecretBytes> open(const std::string& name, const Bytes& record,
                             const Passkey& passkey) const;

    Check check_{};  // meaningful only while records_ is not empty
    std::map<std::string, Bytes, std::less<>> records_;
};

}  // namespace kiod::crypto
