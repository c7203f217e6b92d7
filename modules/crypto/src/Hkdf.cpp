#include "Hkdf.h"

#include <openssl/core_names.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include <memory>
#include <string>

namespace kiod::crypto {

namespace {

constexpr std::size_t kSha256Size = 32;
constexpr std::size_t kMaxOutput = 255 * kSha256Size;

struct KdfFree {
    void operator()(EVP_KDF* kdf) const { EVP_KDF_free(kdf); }
    void operator()(EVP_KDF_CTX* ctx) const { EVP_KDF_CTX_free(ctx); }
};

// OSSL_PARAM wants non-const pointers even for inputs it only reads.
OSSL_PARAM octets(const char* name, ByteView bytes) {
    static std::uint8_t empty = 0;
    void* data = bytes.empty() ? &empty : const_cast<std::uint8_t*>(bytes.data());
    return OSSL_PARAM_construct_octet_string(name, data, bytes.size());
}

}  // namespace

Status Hkdf::sha256(ByteView ikm, ByteView salt, ByteView info, std::span<std::uint8_t> out) {
    if (out.empty() || out.size() > kMaxOutput) {
        return Status::invalid("HKDF-SHA256 derives 1 to " + std::to_string(kMaxOutput) +
                               " bytes, not " + std::to_string(out.size()));
    }
    if (ikm.empty()) {
        return Status::invalid("HKDF-SHA256 needs a non-empty input key");
    }
    std::unique_ptr<EVP_KDF, KdfFree> kdf(EVP_KDF_fetch(nullptr, "HKDF", nullptr));
    std::unique_ptr<EVP_KDF_CTX, KdfFree> ctx(kdf ? EVP_KDF_CTX_new(kdf.get()) : nullptr);
    if (!ctx) {
        return Status::internal("HKDF-SHA256: OpenSSL has no HKDF");
    }
    char digest[] = "SHA256";
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0),
        octets(OSSL_KDF_PARAM_KEY, ikm),
        octets(OSSL_KDF_PARAM_SALT, salt),
        octets(OSSL_KDF_PARAM_INFO, info),
        OSSL_PARAM_construct_end(),
    };
    if (EVP_KDF_derive(ctx.get(), out.data(), out.size(), params) != 1) {
        OPENSSL_cleanse(out.data(), out.size());
        return Status::internal("HKDF-SHA256: OpenSSL failed to derive");
    }
    return Status::ok();
}

}  // namespace kiod::crypto
