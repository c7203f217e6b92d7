#pragma once

#include <kiod/crypto/SecretBytes.h>

#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <string>

namespace kiod::crypto::test {

// "00ff" -> {0x00, 0xff}; fails the test on malformed hex.
inline Bytes fromHex(const std::string& hex) {
    BOOST_REQUIRE_MESSAGE(hex.size() % 2 == 0, "odd-length hex: " << hex);
    Bytes out;
    out.reserve(hex.size() / 2);
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        out.push_back(static_cast<std::uint8_t>(std::stoul(hex.substr(i, 2), nullptr, 16)));
    }
    return out;
}

inline Bytes bytesOf(const std::string& text) {
    return Bytes(text.begin(), text.end());
}

// `size` bytes that differ from position to position, so that a swapped or
// duplicated piece changes the content.
inline Bytes patternBytes(std::size_t size, std::uint32_t seed = 1) {
    Bytes out(size);
    std::uint32_t state = seed;
    for (auto& byte : out) {
        state = state * 1664525u + 1013904223u;
        byte = static_cast<std::uint8_t>(state >> 24);
    }
    return out;
}

}  // namespace kiod::crypto::test
