#pragma once

#include <kiod/crypto/KeyService.h>

#include <array>
#include <cstdint>
#include <optional>

namespace kiod::crypto {

// What a sealed blob holds; authenticated, so one kind cannot be passed off
// as another (a wrapped key fed to decrypt() fails).
enum class EnvelopeKind : std::uint8_t {
    kMessage = 1,     // encrypt(): a message sealed in one piece
    kWrappedKey = 2,  // generateDataKey(): a data key sealed under a root key version
    kStream = 3,      // a segmented stream (StreamEncryptor)
};

// The algorithm suite; authenticated, and a blob with one this build does
// not know fails as any other forgery.
enum class Algorithm : std::uint8_t {
    kAes256Gcm = 1,            // one AES-256-GCM seal, random 96-bit nonce
    kAes256GcmHkdfStream = 2,  // HKDF-SHA256 stream key, AES-256-GCM segments
};

// The self-describing header in front of every blob kiod seals; its bytes
// are the first part of the AEAD associated data. Byte layout (big-endian)
// in docs/CRYPTO_FORMAT.md:
//
//   common (16): magic "KIOD" | format version 1 | kind | algorithm | 0 |
//                key id u32 | key version u32
//   message and wrapped key (+12): nonce
//   stream (+36): segment size u32 | salt[32]
struct EnvelopeHeader {
    static constexpr std::array<std::uint8_t, 4> kMagic = {'K', 'I', 'O', 'D'};
    static constexpr std::uint8_t kFormatVersion = 1;
    static constexpr std::size_t kCommonSize = 16;
    static constexpr std::size_t kNonceSize = 12;
    static constexpr std::size_t kSaltSize = 32;
    static constexpr std::size_t kSealedSize = kCommonSize + kNonceSize;     // 28
    static constexpr std::size_t kStreamSize = kCommonSize + 4 + kSaltSize;  // 52

    EnvelopeKind kind = EnvelopeKind::kMessage;
    Algorithm algorithm = Algorithm::kAes256Gcm;
    KeyRef key;
    std::array<std::uint8_t, kNonceSize> nonce{};  // message and wrapped key
    std::uint32_t segmentSize = 0;                 // stream: plaintext bytes per segment
    std::array<std::uint8_t, kSaltSize> salt{};    // stream: HKDF salt

    // The header's bytes: kSealedSize or kStreamSize of them.
    Bytes encode() const;
    // Appends them to `out`, so that a seal writes header, ciphertext and tag
    // into one allocation.
    void appendTo(Bytes& out) const;

    // The header at the start of `blob`, or nothing when it is not one this
    // build writes: wrong magic, version, kind, algorithm (or a kind and
    // algorithm that do not go together), a non-zero reserved byte, a zero
    // segment size, too few bytes. Callers turn nothing into the opaque
    // authenticationFailed(): the header is authenticated, so a header that
    // does not parse is a forgery like any other.
    static std::optional<EnvelopeHeader> parse(ByteView blob);

    std::size_t size() const { return kind == EnvelopeKind::kStream ? kStreamSize : kSealedSize; }
};

}  // namespace kiod::crypto
