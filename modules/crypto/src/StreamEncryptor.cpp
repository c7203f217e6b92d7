#include "StreamEncryptor.h"

#include <openssl/crypto.h>

#include <algorithm>

namespace kiod::crypto {

StreamEncryptor::StreamEncryptor(StreamSegments segments, std::size_t segmentSize)
    : segments_(std::move(segments)), segmentSize_(segmentSize) {
    pending_.reserve(segmentSize_);
}

Result<StreamEncryptor> StreamEncryptor::create(ByteView key, KeyRef ref, ByteView associatedData,
                                                std::size_t segmentSize) {
    if (segmentSize == 0 || segmentSize > kMaxSegmentSize) {
        return Status::invalid("stream: the segment size must be 1 to " +
                               std::to_string(kMaxSegmentSize) + " bytes, not " +
                               std::to_string(segmentSize));
    }
    EnvelopeHeader header;
    header.kind = EnvelopeKind::kStream;
    header.algorithm = Algorithm::kAes256GcmHkdfStream;
    header.key = ref;
    header.segmentSize = static_cast<std::uint32_t>(segmentSize);
    if (RAND_bytes(header.salt.data(), static_cast<int>(header.salt.size())) != 1) {
        return Status::internal("stream: OpenSSL's random generator failed");
    }
    auto segments = StreamSegments::create(key, header, associatedData);
    if (!segments) {
        return segments.status();
    }
    return StreamEncryptor(std::move(segments).value(), segmentSize);
}

void StreamEncryptor::emitHeader(Bytes& out) {
    if (!headerWritten_) {
        const Bytes& header = segments_.headerBytes();
        out.insert(out.end(), header.begin(), header.end());
        headerWritten_ = true;
    }
}

Status StreamEncryptor::update(ByteView plaintext, Bytes& out) {
    if (finished_) {
        return Status::invalid("stream: update() after finish()");
    }
    emitHeader(out);
    while (!plaintext.empty()) {
        if (pending_.size() == segmentSize_) {
            // More input follows, so the held-back segment is not the last.
            if (Status status = segments_.sealNext(pending_, false, out); !status) {
                return status;
            }
            OPENSSL_cleanse(pending_.data(), pending_.size());
            pending_.clear();
        }
        const std::size_t take = std::min(segmentSize_ - pending_.size(), plaintext.size());
        pending_.insert(pending_.end(), plaintext.begin(), plaintext.begin() + take);
        plaintext = plaintext.subspan(take);
    }
    return Status::ok();
}

Status StreamEncryptor::finish(Bytes& out) {
    if (finished_) {
        return Status::invalid("stream: finish() called twice");
    }
    emitHeader(out);
    finished_ = true;
    Status status = segments_.sealNext(pending_, true, out);
    OPENSSL_cleanse(pending_.data(), pending_.size());
    pending_.clear();
    return status;
}

}  // namespace kiod::crypto
