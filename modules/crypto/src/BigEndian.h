#pragma once

#include <kiod/crypto/SecretBytes.h>

#include <cstdint>

namespace kiod::crypto {

// The byte order of every integer in kiod's binary formats (envelope
// headers, passkey records, the passkey set): big-endian, so that a hex dump
// reads like the documentation in docs/CRYPTO_FORMAT.md.
inline void putU16(Bytes& out, std::uint16_t value) {
    out.push_back(static_cast<std::uint8_t>(value >> 8));
    out.push_back(static_cast<std::uint8_t>(value));
}

inline void putU32(Bytes& out, std::uint32_t value) {
    for (int shift = 24; shift >= 0; shift -= 8) {
        out.push_back(static_cast<std::uint8_t>(value >> shift));
    }
}

// Require offset + 2 (or + 4) <= in.size().
inline std::uint16_t getU16(ByteView in, std::size_t offset) {
    return static_cast<std::uint16_t>((std::uint32_t{in[offset]} << 8) | in[offset + 1]);
}

inline std::uint32_t getU32(ByteView in, std::size_t offset) {
    return (std::uint32_t{in[offset]} << 24) | (std::uint32_t{in[offset + 1]} << 16) |
           (std::uint32_t{in[offset + 2]} << 8) | std::uint32_t{in[offset + 3]};
}

}  // namespace kiod::crypto
