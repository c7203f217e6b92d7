#pragma once

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <new>
#include <span>
#include <utility>
#include <vector>

namespace kiod::crypto {

// Bytes that are not secret: ciphertexts, wrapped keys, associated data.
using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

// Reserves OpenSSL's secure heap (locked pages, guard pages, excluded from
// core dumps) for key material. Call once, early, before any SecretBytes is
// made; later allocations then come from it. Returns false when the heap
// could not be set up (for instance mmap refused): SecretBytes then uses the
// ordinary heap and still wipes on free, so this is a hardening, not a
// requirement. `bytes` must be a power of two.
inline bool initializeSecureHeap(std::size_t bytes = 64 * 1024,
                                 std::size_t minimumAllocation = 32) {
    return CRYPTO_secure_malloc_initialized() != 0 ||
           CRYPTO_secure_malloc_init(bytes, minimumAllocation) != 0;
}

// Key material: a fixed-size buffer in OpenSSL's secure heap when it is
// initialized and has room, in the ordinary heap otherwise, wiped
// (OPENSSL_cleanse) when freed either way. Move-only, so that a key is
// never silently copied into memory nobody wipes. Never log it and never put
// it into an exception or Status message.
//
// Header-only so that a module calling the crypto service through the
// registry needs this header and libcrypto, not the crypto module's library.
class SecretBytes {
public:
    SecretBytes() = default;

    // `size` zero bytes. Throws std::bad_alloc when no heap has room.
    explicit SecretBytes(std::size_t size) : size_(size) {
        if (size == 0) {
            return;
        }
        data_ = static_cast<std::uint8_t*>(OPENSSL_secure_zalloc(size));
        if (data_ == nullptr) {
            // The secure heap is absent or full: the ordinary heap, still
            // wiped by OPENSSL_secure_clear_free (it checks which heap).
            data_ = static_cast<std::uint8_t*>(OPENSSL_zalloc(size));
        }
        if (data_ == nullptr) {
            throw std::bad_alloc();
        }
    }

    // `size` bytes from OpenSSL's DRBG, or empty when the DRBG failed (a
    // broken entropy source: callers report Internal).
    static SecretBytes random(std::size_t size) {
        SecretBytes secret(size);
        if (size > 0 && RAND_bytes(secret.data(), static_cast<int>(size)) != 1) {
            return {};
        }
        return secret;
    }

    // A copy of `bytes`, for keys that arrive from outside (a key file, a
    // test vector). The caller wipes its own copy.
    static SecretBytes copyOf(ByteView bytes) {
        SecretBytes secret(bytes.size());
        std::copy(bytes.begin(), bytes.end(), secret.data());
        return secret;
    }

    SecretBytes(const SecretBytes&) = delete;
    SecretBytes& operator=(const SecretBytes&) = delete;
    SecretBytes(SecretBytes&& other) noexcept
        : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}
    SecretBytes& operator=(SecretBytes&& other) noexcept {
        if (this != &other) {
            release();
            data_ = std::exchange(other.data_, nullptr);
            size_ = std::exchange(other.size_, 0);
        }
        return *this;
    }
    ~SecretBytes() { release(); }

    std::uint8_t* data() { return data_; }
    const std::uint8_t* data() const { return data_; }
    std::size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    ByteView view() const { return {data_, size_}; }
    std::span<std::uint8_t> span() { return {data_, size_}; }

    // Whether the bytes live in the secure heap (false when it was not
    // initialized or was full).
    bool isInSecureHeap() const { return data_ != nullptr && CRYPTO_secure_allocated(data_); }

private:
    void release() {
        if (data_ != nullptr) {
            OPENSSL_secure_clear_free(data_, size_);
            data_ = nullptr;
            size_ = 0;
        }
    }

    std::uint8_t* data_ = nullptr;
    std::size_t size_ = 0;
};

}  // namespace kiod::crypto
