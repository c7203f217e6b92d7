#pragma once

#include <kiod/Status.h>
#include <kiod/crypto/SecretBytes.h>

#include <openssl/params.h>

#include <span>

namespace kiod::crypto {

// One derivation with an OpenSSL 3 EVP_KDF algorithm fetched by name
// ("HKDF", "SCRYPT"): the fetch, context and error handling Hkdf and Scrypt
// share, so that each of them holds only its parameters.
class EvpKdf {
public:
    // An input parameter. OSSL_PARAM wants a non-const pointer even for
    // inputs it only reads; an empty view is passed as a valid address with
    // length 0, which OpenSSL takes for an empty string.
    static OSSL_PARAM octets(const char* name, ByteView bytes);

    // Fills `out` from `params` (terminated by OSSL_PARAM_construct_end()).
    // Internal naming `algorithm` when OpenSSL lacks it or refuses the
    // parameters; `out` is then wiped, never half-derived.
    static Status derive(const char* algorithm, const OSSL_PARAM* params,
                         std::span<std::uint8_t> out);
};

}  // namespace kiod::crypto
