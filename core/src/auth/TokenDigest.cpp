#include "TokenDigest.h"

#include <openssl/evp.h>

namespace kiod {

TokenDigest tokenDigest(std::string_view token) {
    TokenDigest out{};
    unsigned int length = 0;
    EVP_Digest(token.data(), token.size(), out.data(), &length, EVP_sha256(), nullptr);
    return out;
}

}  // namespace kiod
