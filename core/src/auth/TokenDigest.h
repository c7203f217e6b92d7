#pragma once

#include <array>
#include <string_view>

namespace kiod {

// The SHA-256 of a bearer token: what kiod keeps instead of the token (the
// token file's entries, the keys of the TokenReview cache), so that a token
// never stays in memory longer than the request that carried it.
using TokenDigest = std::array<unsigned char, 32>;

TokenDigest tokenDigest(std::string_view token);

}  // namespace kiod
