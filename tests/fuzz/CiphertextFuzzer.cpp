// libFuzzer target: the ciphertext parsers, on a fixed key: the envelope
// header, a one-piece envelope opened as a message and as a wrapped key, and
// the stream format fed in pieces whose sizes come from the input. Nothing
// the fuzzer makes up authenticates; what matters is that every path fails
// cleanly.
#include "AesGcm.h"
#include "Envelope.h"
#include "EnvelopeHeader.h"
#include "StreamDecryptor.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace {

using namespace kiod::crypto;

const std::vector<std::uint8_t> kKey(32, 0x42);
const std::vector<std::uint8_t> kOwner = {'o', 'w', 'n', 'e', 'r'};

void open(ByteView sealed, EnvelopeKind kind) {
    if (!Envelope::peek(sealed, kind)) {
        return;
    }
    auto key = AesGcm::create(kKey);
    std::vector<std::uint8_t> plaintext(Envelope::plaintextSize(sealed));
    Envelope::open(key.value(), kind, sealed, kOwner, plaintext);
}

void decryptStream(ByteView stream) {
    if (!StreamDecryptor::peek(stream)) {
        return;
    }
    auto decryptor = StreamDecryptor::create(kKey, kOwner);
    Bytes out;
    // Piece sizes from the input's own bytes, so that segment boundaries
    // fall everywhere.
    std::size_t at = 0;
    while (at < stream.size()) {
        std::size_t piece = 1 + stream[at] % 97;
        piece = std::min(piece, stream.size() - at);
        if (!decryptor.value().update(stream.subspan(at, piece), out)) {
            return;
        }
        at += piece;
    }
    decryptor.value().finish(out);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    ByteView blob(data, size);
    if (auto header = EnvelopeHeader::parse(blob)) {
        header->encode();
    }
    open(blob, EnvelopeKind::kMessage);
    open(blob, EnvelopeKind::kWrappedKey);
    decryptStream(blob);
    return 0;
}
