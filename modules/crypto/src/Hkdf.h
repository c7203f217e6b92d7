#pragma once

#include <kiod/Status.h>
#include <kiod/crypto/SecretBytes.h>

namespace kiod::crypto {

// HKDF-SHA256 (RFC 5869, extract then expand) through OpenSSL's EVP_KDF.
// The stream format derives each stream's segment key with it, so that
// segment nonces can be counters: a key is never used for two streams.
class Hkdf {
public:
    // Fills `out` (1 to 255 * 32 bytes). Invalid for a size outside that
    // range or an empty key; Internal when OpenSSL fails.
    static Status sha256(ByteView ikm, ByteView salt, ByteView info, std::span<std::uint8_t> out);
};

}  // namespace kiod::crypto
