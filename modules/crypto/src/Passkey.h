#pragma once

#include <kiod/Status.h>
#include <kiod/crypto/SecretBytes.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace kiod::crypto {

// How a passkey's secret becomes the key that wraps the primary key; stored
// in every passkey record (docs/CRYPTO_FORMAT.md).
enum class PasskeyKind : std::uint8_t {
    kPassphrase = 1,  // a human's passphrase, stretched with scrypt
    kKeyFile = 2,     // 32 random bytes from a file, expanded with HKDF-SHA256
};

// The secret a user presents to add a passkey or to unlock the primary key:
// a passphrase or the content of a key file. Held in SecretBytes (OpenSSL's
// secure heap, wiped when dropped); never logged, and no message of this
// class or its callers contains it. Move-only.
class Passkey {
public:
    static constexpr std::size_t kKeyFileSize = 32;

    // A passphrase, copied into SecretBytes (the caller wipes its own copy).
    // Invalid when empty: an empty passphrase protects nothing.
    static Result<Passkey> passphrase(std::string_view passphrase);

    // A key file's content. Invalid unless it is exactly 32 bytes.
    static Result<Passkey> keyFile(SecretBytes content);

    // Reads a key file: exactly 32 bytes, read straight into SecretBytes so
    // that no stream buffer keeps a copy. Invalid naming the file as `what`
    // says (never its content) when it is another size; Unavailable when it
    // cannot be read.
    static Result<Passkey> readKeyFile(const std::string& path, const std::string& what);

    PasskeyKind kind() const { return kind_; }
    ByteView secret() const { return secret_.view(); }

private:
    Passkey(PasskeyKind kind, SecretBytes secret) : kind_(kind), secret_(std::move(secret)) {}

    PasskeyKind kind_;
    SecretBytes secret_;
};

}  // namespace kiod::crypto
