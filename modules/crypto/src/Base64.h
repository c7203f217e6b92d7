#pragma once

#include <kiod/Status.h>
#include <kiod/crypto/SecretBytes.h>

#include <string>
#include <string_view>

namespace kiod::crypto {

// Standard base64 (RFC 4648 section 4, padded, no line breaks), the form
// JSON carries binary in: the keyring object's sealed keys and the crypto
// service's payloads. On OpenSSL's EVP_EncodeBlock/EVP_DecodeBlock, which
// run at memory speed, not through iostreams.
class Base64 {
public:
    static std::string encode(ByteView bytes);

    // Invalid naming `what` for text that is not padded standard base64.
    static Result<Bytes> decode(std::string_view text, std::string_view what);
};

}  // namespace kiod::crypto
