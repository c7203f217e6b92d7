#pragma once

#include "AesGcm.h"
#include "EnvelopeHeader.h"

#include <cstdint>

namespace kiod::crypto {

// The segment cipher shared by StreamEncryptor and StreamDecryptor: a
// STREAM construction (Hoang, Reyhanitabar, Rogaway, Vizár 2015, as in
// Tink's streaming AEAD and C2SP chunked encryption).
//
// - The stream key is HKDF-SHA256(ikm = the caller's key, salt = the
//   header's 32 random bytes, info = "kiod.stream.v1"): every stream has its
//   own key, so the nonces may be counters.
// - Segment i (from 0) is sealed with nonce = i as 11 bytes big-endian |
//   1 if it is the last segment else 0. A dropped, swapped or duplicated
//   segment has the wrong index in its nonce; a stream cut at a segment
//   boundary ends with a segment whose flag says "not last". Both fail the
//   tag.
// - Every segment's associated data is the header bytes | the caller's
//   associated data, so the header and the owner are checked at every
//   segment, the first one included.
class StreamSegments {
public:
    static constexpr std::size_t kTagSize = AesGcm::kTagSize;

    // The stream key for `header`, derived from `key` (32 bytes).
    static Result<StreamSegments> create(ByteView key, const EnvelopeHeader& header,
                                         ByteView associatedData);

    // Seals the next segment: `plaintext` then its tag appended to `out`.
    Status sealNext(ByteView plaintext, bool last, Bytes& out);

    // Opens the next segment (ciphertext | tag) into `out` (appended).
    // authenticationFailed() when it is not the expected segment.
    Status openNext(ByteView segment, bool last, Bytes& out);

    const Bytes& headerBytes() const { return header_; }

private:
    StreamSegments(AesGcm cipher, Bytes header, ByteView associatedData);
    std::array<std::uint8_t, AesGcm::kNonceSize> nextNonce(bool last);

    AesGcm cipher_;
    Bytes header_;
    Bytes associatedData_;
    std::uint64_t index_ = 0;
};

}  // namespace kiod::crypto
