#pragma once

#include "Keyring.h"
#include "KeyringObject.h"
#include "Passkey.h"
#include "Scrypt.h"

#include <kiod/Status.h>
#include <kiod/catalog/ObjectStore.h>

#include <cstdint>
#include <functional>
#include <vector>

namespace kiod::crypto {

// The keyring's persistent half, kept in the catalog as one object of the
// internal resource keyrings.crypto.kiod (cluster scope, name `default`):
// the passkey set (PasskeySet::serialize(), base64) and each root key
// version sealed under the primary key (base64). Layout and the choice of
// seal in docs/CRYPTO_FORMAT.md, "The keyring in the catalog".
//
// The primary key is never stored in the clear: unlocking it takes a passkey
// of the set, so a copy of the catalog file unlocks with the passphrase
// alone, and without it is only ciphertext.
class KeyringStore {
public:
    static constexpr const char* kResource = "keyrings.crypto.kiod";
    static constexpr const char* kName = "default";
    // The passkey the first start seals the primary key under.
    static constexpr const char* kFirstPasskeyName = "default";
    // The key id every blob of this keyring's root key names.
    static constexpr std::uint32_t kKeyId = 1;

    // `scrypt` applies to the first passkey only: later unlocks read the
    // parameters stored in the record.
    KeyringStore(catalog::ObjectStore& store, ScryptParameters scrypt)
        : store_(store), scrypt_(scrypt) {}

    // Loads the keyring object and unlocks it with `passkey` into `keyring`
    // (which must hold no version yet): every root key version and the
    // floor. Returns the primary key, which rotation and adding passkeys
    // need. Without an object (the first start)
    // it creates one first: a random primary key sealed under `passkey` as
    // passkey `default`, and a random root key version 1 sealed under it.
    //
    // wrongPasskey() (PasskeyRecord.h) when `passkey` opens no passkey of
    // the set; Invalid naming the field when the stored object is not a
    // keyring; the catalog's Status when it cannot be read or written.
    // Nothing is written except on the first start: a wrong passkey leaves
    // the catalog as it was. Two first starts racing on one catalog cannot
    // both create (the loser meets AlreadyExists and unlocks the winner's).
    Result<SecretBytes> open(const Passkey& passkey, Keyring& keyring);

    // The keyring object as stored now.
    Result<KeyringObject> load();

    // Changes the keyring object: reads it, lets `change` modify it, and
    // writes it back in one transaction with `alongside` (the passkey
    // objects of the API that go with a passkey change), conditional on the
    // revision read. Returns the objects `alongside` wrote, in order.
    // Nothing is written when `change` fails (its Status is returned) or
    // when the object changed meanwhile (Conflict: another kiod on the same
    // catalog; read again and retry). Callers in one process serialize
    // their updates.
    using Change = std::function<Status(KeyringObject&)>;
    Result<std::vector<catalog::StoredObject>> update(
        const Change& change, std::vector<catalog::Mutation> alongside = {});

    // A root key version sealed under the primary key, as the object keeps
    // it.
    static Result<Bytes> sealRootKey(ByteView primaryKey, std::uint32_t version, ByteView rootKey);

private:
    // Creates the keyring object; its primary key, or empty SecretBytes
    // when another start created one first.
    Result<SecretBytes> create(const Passkey& passkey);

    catalog::ObjectStore& store_;
    ScryptParameters scrypt_;
};

}  // namespace kiod::crypto
