#pragma once

#include "EnvelopeHeader.h"
#include "StreamSegments.h"

namespace kiod::crypto {

// Encrypts a payload of any size in fixed-size segments (the stream format
// of docs/CRYPTO_FORMAT.md, construction in StreamSegments.h) while holding
// at most one segment of it: feed pieces to update(), write out what it
// appends, call finish() once at the end. Not thread-safe.
class StreamEncryptor {
public:
    static constexpr std::size_t kDefaultSegmentSize = 64 * 1024;
    static constexpr std::size_t kMaxSegmentSize = 16 * 1024 * 1024;

    // An encryptor under `key` (32 bytes; the header names it `ref`), bound to
    // `associatedData`. Invalid for a segment size of 0 or above
    // kMaxSegmentSize.
    static Result<StreamEncryptor> create(ByteView key, KeyRef ref, ByteView associatedData,
                                          std::size_t segmentSize = kDefaultSegmentSize);

    // Takes the next piece of plaintext and appends to `out` the header (on
    // the first call) and every segment now complete. A full segment is
    // held back until more input shows that it is not the last.
    Status update(ByteView plaintext, Bytes& out);

    // Appends the last segment (possibly shorter than the others, empty only
    // for an empty payload). No calls after it.
    Status finish(Bytes& out);

private:
    StreamEncryptor(StreamSegments segments, std::size_t segmentSize);
    void emitHeader(Bytes& out);

    StreamSegments segments_;
    std::size_t segmentSize_;
    Bytes pending_;
    bool headerWritten_ = false;
    bool finished_ = false;
};

}  // namespace kiod::crypto
