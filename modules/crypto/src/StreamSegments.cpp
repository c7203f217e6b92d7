#include "StreamSegments.h"

#include "Hkdf.h"

namespace kiod::crypto {

namespace {

constexpr char kStreamKeyInfo[] = "kiod.stream.v1";

}  // namespace

StreamSegments::StreamSegments(AesGcm cipher, Bytes header, ByteView associatedData)
    : cipher_(std::move(cipher)),
      header_(std::move(header)),
      associatedData_(associatedData.begin(), associatedData.end()) {}

Result<StreamSegments> StreamSegments::create(ByteView key, const EnvelopeHeader& header,
                                              ByteView associatedData) {
    if (key.size() != AesGcm::kKeySize) {
        return Status::invalid("stream: the key must be 32 bytes, not " +
                               std::to_string(key.size()));
    }
    SecretBytes streamKey(AesGcm::kKeySize);
    const auto* info = reinterpret_cast<const std::uint8_t*>(kStreamKeyInfo);
    if (Status status =
            Hkdf::sha256(key, header.salt, {info, sizeof(kStreamKeyInfo) - 1}, streamKey.span());
        !status) {
        return status;
    }
    auto cipher = AesGcm::create(streamKey.view());
    if (!cipher) {
        return cipher.status();
    }
    return StreamSegments(std::move(cipher).value(), header.encode(), associatedData);
}

std::array<std::uint8_t, AesGcm::kNonceSize> StreamSegments::nextNonce(bool last) {
    std::array<std::uint8_t, AesGcm::kNonceSize> nonce{};
    // Bytes 0-2 stay zero: a 64-bit index in an 88-bit big-endian counter.
    for (int i = 0; i < 8; ++i) {
        nonce[10 - i] = static_cast<std::uint8_t>(index_ >> (8 * i));
    }
    nonce[11] = last ? 1 : 0;
    ++index_;
    return nonce;
}

Status StreamSegments::sealNext(ByteView plaintext, bool last, Bytes& out) {
    const std::size_t start = out.size();
    out.resize(start + plaintext.size() + kTagSize);
    std::span<std::uint8_t> segment = std::span<std::uint8_t>(out).subspan(start);
    return cipher_.seal(nextNonce(last), {header_, associatedData_}, plaintext,
                        segment.first(plaintext.size()), segment.last(kTagSize));
}

Status StreamSegments::openNext(ByteView segment, bool last, Bytes& out) {
    if (segment.size() < kTagSize) {
        return authenticationFailed();
    }
    const std::size_t plaintextSize = segment.size() - kTagSize;
    const std::size_t start = out.size();
    out.resize(start + plaintextSize);
    Status status =
        cipher_.open(nextNonce(last), {header_, associatedData_}, segment.first(plaintextSize),
                     segment.last(kTagSize), std::span<std::uint8_t>(out).subspan(start));
    if (!status) {
        out.resize(start);
    }
    return status;
}

}  // namespace kiod::crypto
