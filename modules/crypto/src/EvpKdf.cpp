#include "EvpKdf.h"

#include <openssl/kdf.h>

#include <memory>
#include <string>

namespace kiod::crypto {

namespace {

struct KdfFree {
    void operator()(EVP_KDF* kdf) const { EVP_KDF_free(kdf); }
    void operator()(EVP_KDF_CTX* ctx) const { EVP_KDF_CTX_free(ctx); }
};

}  // namespace

OSSL_PARAM EvpKdf::octets(const char* name, ByteView bytes) {
    static std::uint8_t empty = 0;
    void* data = bytes.empty() ? &empty : const_cast<std::uint8_t*>(bytes.data());
    return OSSL_PARAM_construct_octet_string(name, data, bytes.size());
}

Status EvpKdf::derive(const char* algorithm, const OSSL_PARAM* params,
                      std::span<std::uint8_t> out) {
    // The context copies the secret inputs and wipes its copies when freed
    // (EVP_KDF_CTX_free), so nothing of them outlives this call.
    std::unique_ptr<EVP_KDF, KdfFree> kdf(EVP_KDF_fetch(nullptr, algorithm, nullptr));
    std::unique_ptr<EVP_KDF_CTX, KdfFree> ctx(kdf ? EVP_KDF_CTX_new(kdf.get()) : nullptr);
    if (!ctx) {
        return Status::internal(std::string(algorithm) + ": OpenSSL has no such KDF");
    }
    if (EVP_KDF_derive(ctx.get(), out.data(), out.size(), params) != 1) {
        OPENSSL_cleanse(out.data(), out.size());
        return Status::internal(std::string(algorithm) + ": OpenSSL failed to derive");
    }
    return Status::ok();
}

}  // namespace kiod::crypto
