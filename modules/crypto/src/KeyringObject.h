#pragma once

#include <kiod/Status.h>
#include <kiod/crypto/SecretBytes.h>

#include <cstdint>
#include <string>
#include <vector>

namespace kiod::crypto {

// One root key version as the keyring object keeps it: sealed under the
// primary key (docs/CRYPTO_FORMAT.md, "The keyring in the catalog").
struct SealedVersion {
    std::uint32_t version = 0;
    Bytes sealed;
};

// The keyring's persistent state, as the catalog object of resource
// keyrings.crypto.kiod holds it in JSON: the passkey set, every root key
// version still available, and the decryption floor. A value: parse,
// change, serialize; KeyringStore reads and writes it.
struct KeyringObject {
    Bytes passkeys;                       // PasskeySet::serialize()
    std::vector<SealedVersion> versions;  // ascending, none below the trim point
    // Blobs sealed under a lower version are refused (403) though the
    // version is still held: a policy that can be lowered again, unlike
    // trim, which deletes versions for good.
    std::uint32_t minDecryptionVersion = 1;

    std::uint32_t latestVersion() const { return versions.empty() ? 0 : versions.back().version; }
    // The lowest version still held: trim removed every one below it.
    std::uint32_t minAvailableVersion() const {
        return versions.empty() ? 0 : versions.front().version;
    }

    std::string serialize() const;
    // Invalid naming the field for anything that is not a keyring object
    // this binary understands.
    static Result<KeyringObject> parse(const std::string& json);
};

}  // namespace kiod::crypto
