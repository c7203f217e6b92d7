#include "Scrypt.h"

#include "EvpKdf.h"

#include <openssl/core_names.h>

#include <string>

namespace kiod::crypto {

Status Scrypt::check(const ScryptParameters& parameters) {
    if (parameters.log2N < 1 || parameters.log2N > kMaxLog2N) {
        return Status::invalid("scrypt: N must be 2^1 to 2^" + std::to_string(kMaxLog2N) +
                               ", not 2^" + std::to_string(parameters.log2N));
    }
    if (parameters.p < 1 || parameters.p > kMaxP) {
        return Status::invalid("scrypt: p must be 1 to " + std::to_string(kMaxP) + ", not " +
                               std::to_string(parameters.p));
    }
    // With N <= 2^20 and p <= 16 this cannot overflow for any 32-bit r.
    const std::uint64_t memory =
        std::uint64_t{128} * parameters.r * (parameters.n() + parameters.p + 2);
    if (parameters.r < 1 || memory > kMaxMemory) {
        return Status::invalid("scrypt: r=" + std::to_string(parameters.r) + " with N=2^" +
                               std::to_string(parameters.log2N) + " needs more than " +
                               std::to_string(kMaxMemory / (1024 * 1024)) + " MiB, or is 0");
    }
    return Status::ok();
}

Status Scrypt::derive(ByteView passphrase, ByteView salt, const ScryptParameters& parameters,
                      std::span<std::uint8_t> out) {
    if (Status status = check(parameters); !status) {
        return status;
    }
    if (out.empty()) {
        return Status::invalid("scrypt derives at least 1 byte");
    }
    std::uint64_t n = parameters.n();
    std::uint32_t r = parameters.r;
    std::uint32_t p = parameters.p;
    std::uint64_t maxMemory = kMaxMemory;
    OSSL_PARAM params[] = {
        EvpKdf::octets(OSSL_KDF_PARAM_PASSWORD, passphrase),
        EvpKdf::octets(OSSL_KDF_PARAM_SALT, salt),
        OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n),
        OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r),
        OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p),
        OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_MAXMEM, &maxMemory),
        OSSL_PARAM_construct_end(),
    };
    return EvpKdf::derive("SCRYPT", params, out);
}

}  // namespace kiod::crypto
