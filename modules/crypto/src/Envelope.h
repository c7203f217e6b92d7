#pragma once

#include "AesGcm.h"
#include "EnvelopeHeader.h"

namespace kiod::crypto {

// One-piece sealing in the envelope format: header | ciphertext | tag, with
// AES-256-GCM over a fresh random nonce, and header bytes | owner bytes as
// the associated data. Used for wrapped keys and for messages up to
// KeyService::kMaxMessageSize.
class Envelope {
public:
    static constexpr std::size_t kOverhead = EnvelopeHeader::kSealedSize + AesGcm::kTagSize;

    // Seals `plaintext` under `key`, which the header names as `ref`.
    static Result<Bytes> seal(AesGcm& key, KeyRef ref, EnvelopeKind kind, ByteView plaintext,
                              ByteView associatedData);

    // The header of a sealed blob of `kind`, to pick the key to open it
    // with. authenticationFailed() when there is none or it is of another
    // kind.
    static Result<EnvelopeHeader> peek(ByteView sealed, EnvelopeKind kind);

    // Authenticates `sealed` (of `kind`) under `key` and `associatedData`
    // and writes its plaintext to `plaintext`, which must have
    // plaintextSize(sealed) bytes. authenticationFailed() for anything that
    // does not authenticate.
    static Status open(AesGcm& key, EnvelopeKind kind, ByteView sealed, ByteView associatedData,
                       std::span<std::uint8_t> plaintext);

    static std::size_t plaintextSize(ByteView sealed) {
        return sealed.size() < kOverhead ? 0 : sealed.size() - kOverhead;
    }
};

}  // namespace kiod::crypto
