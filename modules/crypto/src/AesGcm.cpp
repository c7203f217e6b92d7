#include "AesGcm.h"

#include "DrbgBatch.h"

#include <kiod/crypto/KeyService.h>

#include <openssl/evp.h>

#include <climits>
#include <mutex>
#include <string>

namespace kiod::crypto {

namespace {

// Fetched once: EVP_CIPHER_fetch looks the algorithm up in the provider
// tables, which costs more than the encryption of a wrapped key.
const EVP_CIPHER* cipher() {
    static EVP_CIPHER* fetched = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
    return fetched;
}

Status sizeError(const char* what, std::size_t expected, std::size_t got) {
    return Status::invalid("AES-256-GCM takes a " + std::to_string(expected) + "-byte " + what +
                           ", not " + std::to_string(got) + " bytes");
}

bool fitsInt(std::size_t size) {
    return size <= static_cast<std::size_t>(INT_MAX);
}

// Nonces come from a batch per thread, without a lock: every seal takes one.
constexpr std::size_t kNoncesPerBatch = 64;
// Keys come from one batch for the process, under a lock: one batch per
// thread in the secure heap (64 KiB in kiod) would fill it with a few hundred
// workers, and keys are drawn less often than nonces.
constexpr std::size_t kKeysPerBatch = 16;

}  // namespace

void AesGcm::ContextFree::operator()(evp_cipher_ctx_st* ctx) const {
    EVP_CIPHER_CTX_free(ctx);
}

AesGcm::AesGcm(std::unique_ptr<evp_cipher_ctx_st, ContextFree> ctx) : ctx_(std::move(ctx)) {}
AesGcm::AesGcm(AesGcm&&) noexcept = default;
AesGcm& AesGcm::operator=(AesGcm&&) noexcept = default;
AesGcm::~AesGcm() = default;

Result<AesGcm> AesGcm::create(ByteView key) {
    if (key.size() != kKeySize) {
        return sizeError("key", kKeySize, key.size());
    }
    std::unique_ptr<evp_cipher_ctx_st, ContextFree> ctx(EVP_CIPHER_CTX_new());
    if (!ctx || cipher() == nullptr ||
        EVP_CipherInit_ex2(ctx.get(), cipher(), key.data(), nullptr, -1, nullptr) != 1) {
        return Status::internal("AES-256-GCM: OpenSSL could not set up the cipher");
    }
    return AesGcm(std::move(ctx));
}

Status AesGcm::update(bool encrypt, ByteView nonce, std::initializer_list<ByteView> aad,
                      std::size_t tagSize, ByteView input, std::span<std::uint8_t> output) {
    if (nonce.size() != kNonceSize) {
        return sizeError("nonce", kNonceSize, nonce.size());
    }
    if (tagSize != kTagSize) {
        return sizeError("tag", kTagSize, tagSize);
    }
    if (output.size() != input.size() || !fitsInt(input.size())) {
        return Status::invalid("AES-256-GCM: the output must be the input's size");
    }
    // The key stays in the context; only the direction and nonce change.
    if (EVP_CipherInit_ex2(ctx_.get(), nullptr, nullptr, nonce.data(), encrypt ? 1 : 0, nullptr) !=
        1) {
        return Status::internal("AES-256-GCM: OpenSSL refused the nonce");
    }
    int written = 0;
    for (ByteView piece : aad) {
        if (!fitsInt(piece.size()) || EVP_CipherUpdate(ctx_.get(), nullptr, &written, piece.data(),
                                                       static_cast<int>(piece.size())) != 1) {
            return Status::internal("AES-256-GCM: OpenSSL refused the associated data");
        }
    }
    // GCM is a stream mode: Update writes every byte and Final none.
    if (EVP_CipherUpdate(ctx_.get(), output.data(), &written, input.data(),
                         static_cast<int>(input.size())) != 1) {
        OPENSSL_cleanse(output.data(), output.size());
        return Status::internal("AES-256-GCM: OpenSSL failed to process the data");
    }
    return Status::ok();
}

Status AesGcm::seal(ByteView nonce, std::initializer_list<ByteView> aad, ByteView plaintext,
                    std::span<std::uint8_t> ciphertext, std::span<std::uint8_t> tag) {
    if (Status status = update(true, nonce, aad, tag.size(), plaintext, ciphertext); !status) {
        return status;
    }
    std::uint8_t none[1];
    int finalWritten = 0;
    if (EVP_CipherFinal_ex(ctx_.get(), none, &finalWritten) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx_.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagSize),
                            tag.data()) != 1) {
        return Status::internal("AES-256-GCM: OpenSSL failed to encrypt");
    }
    return Status::ok();
}

Status AesGcm::open(ByteView nonce, std::initializer_list<ByteView> aad, ByteView ciphertext,
                    ByteView tag, std::span<std::uint8_t> plaintext) {
    if (Status status = update(false, nonce, aad, tag.size(), ciphertext, plaintext); !status) {
        return status;
    }
    // The tag is compared inside EVP_CipherFinal_ex, in constant time; the
    // plaintext written before it is not yet authentic and is wiped when
    // the comparison fails.
    std::uint8_t none[1];
    int finalWritten = 0;
    if (EVP_CIPHER_CTX_ctrl(ctx_.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagSize),
                            const_cast<std::uint8_t*>(tag.data())) != 1) {
        OPENSSL_cleanse(plaintext.data(), plaintext.size());
        return Status::internal("AES-256-GCM: OpenSSL failed to decrypt");
    }
    if (EVP_CipherFinal_ex(ctx_.get(), none, &finalWritten) != 1) {
        OPENSSL_cleanse(plaintext.data(), plaintext.size());
        return authenticationFailed();
    }
    return Status::ok();
}

Status AesGcm::randomNonce(std::span<std::uint8_t> nonce) {
    if (nonce.size() != kNonceSize) {
        return sizeError("nonce", kNonceSize, nonce.size());
    }
    thread_local DrbgBatch<Bytes> nonces(kNoncesPerBatch * kNonceSize);
    if (!nonces.draw(nonce)) {
        return Status::internal("AES-256-GCM: OpenSSL's random generator failed");
    }
    return Status::ok();
}

SecretBytes AesGcm::randomKey() {
    static std::mutex mutex;
    static DrbgBatch<SecretBytes> keys(kKeysPerBatch * kKeySize);
    SecretBytes key(kKeySize);
    std::lock_guard lock(mutex);
    if (!keys.draw(key.span())) {
        return {};
    }
    return key;
}

}  // namespace kiod::crypto
