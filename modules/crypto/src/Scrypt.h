#pragma once

#include <kiod/Status.h>
#include <kiod/crypto/SecretBytes.h>

#include <cstdint>

namespace kiod::crypto {

// scrypt's cost parameters (RFC 7914), stored beside every passphrase wrap
// so that a record keeps opening after the defaults change. N is stored as
// its base-2 logarithm: scrypt requires a power of two, and a log cannot
// encode anything else.
struct ScryptParameters {
    // OWASP's minimum for scrypt (N=2^17, r=8, p=1): 128 MiB of memory per
    // derivation, which is what makes guessing on GPUs expensive. Measured
    // on this project's 2-core build machine (OpenSSL 3.0.19, 2026-11,
    // Scrypt::derive timed by a throwaway program): 0.31 to 0.36 s per
    // derivation, all of it CPU; `openssl kdf` with the same parameters took
    // about 1.0 s wall clock while another build loaded both cores. Under
    // one second, so the defaults stay; see docs/CRYPTO_FORMAT.md.
    std::uint8_t log2N = 17;
    std::uint32_t r = 8;
    std::uint32_t p = 1;

    std::uint64_t n() const { return std::uint64_t{1} << log2N; }
    bool operator==(const ScryptParameters&) const = default;
};

// scrypt through OpenSSL 3's EVP_KDF "SCRYPT".
//
// Parameters are bounded before anything is allocated, because they come
// from stored records that someone with write access to the catalog could
// forge: N from 2^1 to 2^20, r from 1, p from 1 to 16, and the memory
// scrypt needs, 128 * r * (N + p + 2) bytes, at most kMaxMemory. OpenSSL's
// own limit (maxmem, 32 MiB by default, which refuses N=2^17 with r=8) is
// set to the same kMaxMemory, so the two never disagree.
class Scrypt {
public:
    static constexpr std::uint64_t kMaxMemory = 256ull * 1024 * 1024;
    static constexpr std::uint8_t kMaxLog2N = 20;
    static constexpr std::uint32_t kMaxP = 16;

    // Invalid naming the parameter when `parameters` are out of the bounds
    // above.
    static Status check(const ScryptParameters& parameters);

    // Fills `out` (1 byte or more) with scrypt(passphrase, salt, N, r, p).
    // Invalid for parameters out of bounds or an empty `out`; Internal when
    // OpenSSL fails (`out` is then wiped).
    static Status derive(ByteView passphrase, ByteView salt, const ScryptParameters& parameters,
                         std::span<std::uint8_t> out);
};

}  // namespace kiod::crypto
