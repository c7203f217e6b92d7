#include "EnvelopeHeader.h"

#include "BigEndian.h"

#include <algorithm>

namespace kiod::crypto {

namespace {

bool kindMatchesAlgorithm(std::uint8_t kind, std::uint8_t algorithm) {
    switch (static_cast<EnvelopeKind>(kind)) {
        case EnvelopeKind::kMessage:
        case EnvelopeKind::kWrappedKey:
            return algorithm == static_cast<std::uint8_t>(Algorithm::kAes256Gcm);
        case EnvelopeKind::kStream:
            return algorithm == static_cast<std::uint8_t>(Algorithm::kAes256GcmHkdfStream);
    }
    return false;
}

}  // namespace

Bytes EnvelopeHeader::encode() const {
    Bytes out;
    out.reserve(size());
    appendTo(out);
    return out;
}

void EnvelopeHeader::appendTo(Bytes& out) const {
    out.insert(out.end(), kMagic.begin(), kMagic.end());
    out.push_back(kFormatVersion);
    out.push_back(static_cast<std::uint8_t>(kind));
    out.push_back(static_cast<std::uint8_t>(algorithm));
    out.push_back(0);  // reserved: must be zero, keeps the key id 4-aligned
    putU32(out, key.keyId);
    putU32(out, key.keyVersion);
    if (kind == EnvelopeKind::kStream) {
        putU32(out, segmentSize);
        out.insert(out.end(), salt.begin(), salt.end());
    } else {
        out.insert(out.end(), nonce.begin(), nonce.end());
    }
}

std::optional<EnvelopeHeader> EnvelopeHeader::parse(ByteView blob) {
    if (blob.size() < kCommonSize || !std::equal(kMagic.begin(), kMagic.end(), blob.begin()) ||
        blob[4] != kFormatVersion || !kindMatchesAlgorithm(blob[5], blob[6]) || blob[7] != 0) {
        return std::nullopt;
    }
    EnvelopeHeader header;
    header.kind = static_cast<EnvelopeKind>(blob[5]);
    header.algorithm = static_cast<Algorithm>(blob[6]);
    header.key = {getU32(blob, 8), getU32(blob, 12)};
    if (blob.size() < header.size()) {
        return std::nullopt;
    }
    if (header.kind == EnvelopeKind::kStream) {
        header.segmentSize = getU32(blob, kCommonSize);
        if (header.segmentSize == 0) {
            return std::nullopt;
        }
        std::copy_n(blob.begin() + kCommonSize + 4, kSaltSize, header.salt.begin());
    } else {
        std::copy_n(blob.begin() + kCommonSize, kNonceSize, header.nonce.begin());
    }
    return header;
}

}  // namespace kiod::crypto
