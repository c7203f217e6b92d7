#include "StreamDecryptor.h"

#include "StreamEncryptor.h"

namespace kiod::crypto {

Result<EnvelopeHeader> StreamDecryptor::peek(ByteView start) {
    auto header = EnvelopeHeader::parse(start);
    if (!header || header->kind != EnvelopeKind::kStream ||
        header->segmentSize > StreamEncryptor::kMaxSegmentSize) {
        return authenticationFailed();
    }
    return *header;
}

StreamDecryptor::StreamDecryptor(SecretBytes key, ByteView associatedData)
    : key_(std::move(key)), associatedData_(associatedData.begin(), associatedData.end()) {}

Result<StreamDecryptor> StreamDecryptor::create(ByteView key, ByteView associatedData) {
    if (key.size() != AesGcm::kKeySize) {
        return Status::invalid("stream: the key must be 32 bytes, not " +
                               std::to_string(key.size()));
    }
    return StreamDecryptor(SecretBytes::copyOf(key), associatedData);
}

Status StreamDecryptor::fail() {
    failed_ = true;
    buffer_.clear();
    return authenticationFailed();
}

Status StreamDecryptor::update(ByteView ciphertext, Bytes& out) {
    if (failed_) {
        return authenticationFailed();
    }
    if (finished_) {
        return Status::invalid("stream: update() after finish()");
    }
    buffer_.insert(buffer_.end(), ciphertext.begin(), ciphertext.end());
    std::size_t consumed = 0;
    if (!segments_) {
        if (buffer_.size() < EnvelopeHeader::kStreamSize) {
            return Status::ok();
        }
        // An unparseable header, or a segment size above the maximum (which
        // would make us buffer that much before the first tag check), is a
        // forgery like any other.
        auto header = peek(buffer_);
        if (!header) {
            return fail();
        }
        auto segments = StreamSegments::create(key_.view(), header.value(), associatedData_);
        if (!segments) {
            return segments.status();
        }
        segments_.emplace(std::move(segments).value());
        key_ = SecretBytes();  // only the derived stream key is needed from here on
        encryptedSegmentSize_ = header->segmentSize + StreamSegments::kTagSize;
        consumed = EnvelopeHeader::kStreamSize;
    }
    // Strictly more than one segment left: the one in front is not the last.
    while (buffer_.size() - consumed > encryptedSegmentSize_) {
        ByteView segment(buffer_.data() + consumed, encryptedSegmentSize_);
        if (!segments_->openNext(segment, false, out)) {
            return fail();
        }
        consumed += encryptedSegmentSize_;
    }
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(consumed));
    return Status::ok();
}

Status StreamDecryptor::finish(Bytes& out) {
    if (failed_) {
        return authenticationFailed();
    }
    if (finished_) {
        return Status::invalid("stream: finish() called twice");
    }
    finished_ = true;
    // No header, or nothing after the last full segment: cut short.
    if (!segments_ || buffer_.size() < StreamSegments::kTagSize) {
        return fail();
    }
    if (!segments_->openNext(buffer_, true, out)) {
        return fail();
    }
    buffer_.clear();
    return Status::ok();
}

}  // namespace kiod::crypto
