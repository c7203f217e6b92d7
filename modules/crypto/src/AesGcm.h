#pragma once

#include <kiod/Status.h>
#include <kiod/crypto/SecretBytes.h>

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <span>

struct evp_cipher_ctx_st;

namespace kiod::crypto {

// AES-256-GCM on OpenSSL 3 EVP with the only parameters kiod accepts: a
// 256-bit key, 96-bit nonces and 128-bit tags. Other sizes are refused with
// Invalid naming the size, never silently accepted: GCM with a non-96-bit IV
// hashes it into the counter (a different, weaker construction) and short
// tags make forgery cheaper. The nonce is the caller's: callers that choose
// nonces at random use randomNonce(), the stream format derives them.
//
// The key schedule is set up once in the cipher context, which OpenSSL wipes
// when it is freed. Not thread-safe: one per thread or per operation.
class AesGcm {
public:
    static constexpr std::size_t kKeySize = 32;
    static constexpr std::size_t kNonceSize = 12;
    static constexpr std::size_t kTagSize = 16;

    // Invalid unless the key is 32 bytes; Internal when OpenSSL fails.
    static Result<AesGcm> create(ByteView key);

    AesGcm(AesGcm&&) noexcept;
    AesGcm& operator=(AesGcm&&) noexcept;
    ~AesGcm();

    // Encrypts `plaintext` into `ciphertext` (the same size) and writes the
    // tag. The associated data is the concatenation of `aad`.
    Status seal(ByteView nonce, std::initializer_list<ByteView> aad, ByteView plaintext,
                std::span<std::uint8_t> ciphertext, std::span<std::uint8_t> tag);

    // Decrypts and authenticates. authenticationFailed() on any mismatch;
    // `plaintext` (the ciphertext's size) is then wiped, never half-filled.
    Status open(ByteView nonce, std::initializer_list<ByteView> aad, ByteView ciphertext,
                ByteView tag, std::span<std::uint8_t> plaintext);

    // 12 bytes from OpenSSL's DRBG, never handed out before. Internal when
    // it fails.
    static Status randomNonce(std::span<std::uint8_t> nonce);

    // A new 32-byte key from OpenSSL's DRBG, in the secure heap when it has
    // room (as SecretBytes::random); empty when the DRBG failed.
    static SecretBytes randomKey();

private:
    struct ContextFree {
        void operator()(evp_cipher_ctx_st* ctx) const;
    };
    explicit AesGcm(std::unique_ptr<evp_cipher_ctx_st, ContextFree> ctx);

    // Checks the sizes, sets the nonce, feeds the associated data and
    // en- or decrypts `input` into `output`: all of a seal or open but the
    // tag.
    Status update(bool encrypt, ByteView nonce, std::initializer_list<ByteView> aad,
                  std::size_t tagSize, ByteView input, std::span<std::uint8_t> output);

    std::unique_ptr<evp_cipher_ctx_st, ContextFree> ctx_;
};

}  // namespace kiod::crypto
