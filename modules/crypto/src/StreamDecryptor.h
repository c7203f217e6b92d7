#pragma once

#include "EnvelopeHeader.h"
#include "StreamSegments.h"

#include <optional>

namespace kiod::crypto {

// Decrypts the stream format piece by piece, holding at most one encrypted
// segment plus the piece being fed. Each segment is authenticated before its
// plaintext is appended to the output, but only a finish() that returns ok
// proves the stream complete and in order: until then, treat the output as
// provisional (write it to a temporary file, not over the original). After
// any failure every further call fails the same way. Not thread-safe.
class StreamDecryptor {
public:
    // The header at the start of a stream (at least EnvelopeHeader::kStreamSize
    // bytes of it), to choose the key; authenticationFailed() when it is not a
    // stream header.
    static Result<EnvelopeHeader> peek(ByteView start);

    // A decryptor with `key` (32 bytes) for a stream bound to
    // `associatedData`.
    static Result<StreamDecryptor> create(ByteView key, ByteView associatedData);

    // Takes the next piece of the stream, appends the plaintext of every
    // segment that is now known not to be the last.
    Status update(ByteView ciphertext, Bytes& out);

    // Opens the last segment. authenticationFailed() for a truncated stream.
    Status finish(Bytes& out);

private:
    StreamDecryptor(SecretBytes key, ByteView associatedData);
    Status fail();

    SecretBytes key_;
    Bytes associatedData_;
    std::optional<StreamSegments> segments_;  // once the header is in
    std::size_t encryptedSegmentSize_ = 0;
    Bytes buffer_;
    bool failed_ = false;
    bool finished_ = false;
};

}  // namespace kiod::crypto
