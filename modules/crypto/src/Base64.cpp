#include "Base64.h"

#include <openssl/evp.h>

namespace kiod::crypto {

std::string Base64::encode(ByteView bytes) {
    std::string text(4 * ((bytes.size() + 2) / 3), '\0');
    int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(text.data()), bytes.data(),
                                  static_cast<int>(bytes.size()));
    text.resize(static_cast<std::size_t>(written));
    return text;
}

Result<Bytes> Base64::decode(std::string_view text, std::string_view what) {
    auto invalid = [&] { return Status::invalid(std::string(what) + " is not base64"); };
    // EVP_DecodeBlock skips surrounding whitespace and decodes padding as
    // zero bytes; the checks here make it as strict as the encoder.
    if (text.size() % 4 != 0) {
        return invalid();
    }
    for (char c : text) {
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            return invalid();
        }
    }
    std::size_t padding = 0;
    if (!text.empty() && text.back() == '=') {
        padding = text[text.size() - 2] == '=' ? 2 : 1;
    }
    Bytes bytes(text.size() / 4 * 3);
    int written = EVP_DecodeBlock(bytes.data(), reinterpret_cast<const unsigned char*>(text.data()),
                                  static_cast<int>(text.size()));
    if (written < 0) {
        return invalid();
    }
    bytes.resize(static_cast<std::size_t>(written) - padding);
    return bytes;
}

}  // namespace kiod::crypto
