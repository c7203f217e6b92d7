#include "Hkdf.h"

#include "EvpKdf.h"

#include <openssl/core_names.h>

#include <string>

namespace kiod::crypto {

namespace {

constexpr std::size_t kSha256Size = 32;
constexpr std::size_t kMaxOutput = 255 * kSha256Size;

}  // namespace

Status Hkdf::sha256(ByteView ikm, ByteView salt, ByteView info, std::span<std::uint8_t> out) {
    if (out.empty() || out.size() > kMaxOutput) {
        return Status::invalid("HKDF-SHA256 derives 1 to " + std::to_string(kMaxOutput) +
                               " bytes, not " + std::to_string(out.size()));
    }
    if (ikm.empty()) {
        return Status::invalid("HKDF-SHA256 needs a non-empty input key");
    }
    char digest[] = "SHA256";
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0),
        EvpKdf::octets(OSSL_KDF_PARAM_KEY, ikm),
        EvpKdf::octets(OSSL_KDF_PARAM_SALT, salt),
        EvpKdf::octets(OSSL_KDF_PARAM_INFO, info),
        OSSL_PARAM_construct_end(),
    };
    return EvpKdf::derive("HKDF", params, out);
}

}  // namespace kiod::crypto
