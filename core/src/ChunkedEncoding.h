#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace kiod {

// HTTP/1.1 chunked transfer coding (RFC 9112, 7.1), as kiod's responses
// write it: no extensions, no trailers.

// Ends a chunked body. It is also what an empty chunk would be, which is
// why a body's chunks must never be empty.
inline constexpr std::string_view kLastChunk = "0\r\n\r\n";

// Appends `bytes`, which must not be empty, to `out` as one chunk.
inline void appendChunk(std::string& out, std::string_view bytes) {
    char size[20];
    int n = std::snprintf(size, sizeof size, "%zx\r\n", bytes.size());
    out.append(size, static_cast<std::size_t>(n));
    out.append(bytes);
    out += "\r\n";
}

}  // namespace kiod
