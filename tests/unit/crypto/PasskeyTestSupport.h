#pragma once

#include "CryptoTestSupport.h"
#include "Passkey.h"
#include "Scrypt.h"

#include <boost/test/unit_test.hpp>

#include <string>

namespace kiod::crypto::test {

// scrypt at N=2^10: about 1 ms a derivation, cheap enough for the hundreds
// a tamper test runs. One test runs the defaults (PasskeySetTest).
inline const ScryptParameters kFastScrypt{10, 8, 1};

inline Passkey passphrase(const std::string& text) {
    auto passkey = Passkey::passphrase(text);
    BOOST_REQUIRE(passkey.isOk());
    return std::move(passkey).value();
}

// A key-file passkey whose 32 bytes depend on `seed`.
inline Passkey keyFile(std::uint32_t seed) {
    auto passkey = Passkey::keyFile(SecretBytes::copyOf(patternBytes(32, seed)));
    BOOST_REQUIRE(passkey.isOk());
    return std::move(passkey).value();
}

}  // namespace kiod::crypto::test
