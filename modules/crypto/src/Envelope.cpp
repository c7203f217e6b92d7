#include "Envelope.h"

namespace kiod::crypto {

Result<Bytes> Envelope::seal(AesGcm& key, KeyRef ref, EnvelopeKind kind, ByteView plaintext,
                             ByteView associatedData) {
    EnvelopeHeader header;
    header.kind = kind;
    header.algorithm = Algorithm::kAes256Gcm;
    header.key = ref;
    if (Status status = AesGcm::randomNonce(header.nonce); !status) {
        return status;
    }
    Bytes sealed;
    sealed.reserve(header.size() + plaintext.size() + AesGcm::kTagSize);
    header.appendTo(sealed);
    const std::size_t headerSize = sealed.size();
    sealed.resize(headerSize + plaintext.size() + AesGcm::kTagSize);
    std::span<std::uint8_t> out(sealed);
    Status status = key.seal(header.nonce, {out.first(headerSize), associatedData}, plaintext,
                             out.subspan(headerSize, plaintext.size()), out.last(AesGcm::kTagSize));
    if (!status) {
        return status;
    }
    return sealed;
}

Result<EnvelopeHeader> Envelope::peek(ByteView sealed, EnvelopeKind kind) {
    auto header = EnvelopeHeader::parse(sealed);
    if (!header || header->kind != kind || sealed.size() < kOverhead) {
        return authenticationFailed();
    }
    return *header;
}

Status Envelope::open(AesGcm& key, EnvelopeKind kind, ByteView sealed, ByteView associatedData,
                      std::span<std::uint8_t> plaintext) {
    auto header = peek(sealed, kind);
    if (!header) {
        return header.status();
    }
    if (plaintext.size() != plaintextSize(sealed)) {
        return Status::invalid("envelope: the plaintext buffer has the wrong size");
    }
    // The header is authenticated as its exact bytes, not as re-encoded
    // fields, so that any flipped bit in it fails the tag.
    return key.open(header->nonce, {sealed.first(EnvelopeHeader::kSealedSize), associatedData},
                    sealed.subspan(EnvelopeHeader::kSealedSize, plaintext.size()),
                    sealed.last(AesGcm::kTagSize), plaintext);
}

}  // namespace kiod::crypto
