#pragma once

#include "Passkey.h"
#include "Scrypt.h"

#include <kiod/Status.h>
#include <kiod/crypto/SecretBytes.h>

#include <string_view>

namespace kiod::crypto {

// The one error a passkey that does not open a record gives: a wrong
// passphrase, a wrong key file, a passkey of the other kind, and a record
// whose salt, nonce, ciphertext or tag was changed or that was moved to
// another name. AES-GCM cannot tell these apart, and saying which would
// only help someone guessing. Code Forbidden: the caller presented a
// credential that does not grant the key. A record that does not parse is
// Invalid instead, with a message naming the field.
inline constexpr const char* kWrongPasskeyMessage =
    "wrong passkey: it does not unlock the primary key";

inline Status wrongPasskey() {
    return Status::forbidden(kWrongPasskeyMessage);
}

inline bool isWrongPasskey(const Status& status) {
    return status.code() == StatusCode::kForbidden && status.message() == kWrongPasskeyMessage;
}

// A passkey record: the primary key (the 32-byte root of the keyring) sealed
// with AES-256-GCM under a key derived from one passkey, behind a header
// saying how to derive it again. Byte layout in docs/CRYPTO_FORMAT.md,
// "Passkey records":
//
//   "KIPK" | version 1 | kind | kdf | log2 N | r u32 | p u32 | 32 | salt length |
//   salt | nonce(12) | encrypted primary key(32) | tag(16)
//
// The associated data is the header (everything up to the encrypted key,
// nonce included) followed by the passkey's name as an Owner (scope = name,
// purpose "passkey"), so a record copied under another name does not open.
// Passphrases go through scrypt with the record's parameters; key files
// (already 256 random bits) through HKDF-SHA256 with the record's salt.
class PasskeyRecord {
public:
    static constexpr std::size_t kPrimaryKeySize = 32;
    static constexpr std::size_t kDerivedKeySize = 32;
    static constexpr std::size_t kSaltSize = 16;  // written; 16 to 64 are read
    static constexpr std::size_t kMaxSaltSize = 64;

    // `primaryKey` (32 bytes) sealed for `name` under `passkey`, with a
    // fresh random salt and nonce. `scrypt` applies to passphrases only.
    // Invalid for a primary key of another size or scrypt parameters out of
    // bounds; Internal when OpenSSL fails.
    static Result<Bytes> seal(const Passkey& passkey, std::string_view name, ByteView primaryKey,
                              const ScryptParameters& scrypt = {});

    // The primary key in `record`, which must have been sealed for `name`.
    // wrongPasskey() when it does not authenticate; Invalid when the record
    // does not parse. On failure no derived key or plaintext is left in
    // memory: both live in SecretBytes, and GCM's output is wiped before a
    // failed open returns.
    static Result<SecretBytes> open(ByteView record, std::string_view name, const Passkey& passkey);

    // Checks the record's structure without deriving anything: Invalid
    // naming what is wrong, or the passkey kind it was sealed for.
    static Result<PasskeyKind> check(ByteView record);
};

}  // namespace kiod::crypto
