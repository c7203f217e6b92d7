#pragma once

#include <kiod/crypto/SecretBytes.h>

#include <cstdint>
#include <string>

namespace kiod::crypto {

// Who a wrapped key or a ciphertext belongs to. It is authenticated with
// the ciphertext (as AEAD associated data) and never encrypted or stored in
// it: the caller states it again to decrypt, and any difference (another
// restore point, another purpose, another catalog) fails authentication.
// That is what stops someone who can write the catalog from moving a wrapped
// key from one row to another. Not secret: it may be logged.
struct Owner {
    std::string catalogId;  // the installation's catalog uuid
    std::string scope;      // what the key protects: a restore point uid, an object id
    std::string purpose;    // why: "restorepoint-data", "passkey", ...

    // The canonical bytes bound in: a label, then each field as a 4-byte
    // big-endian length and its bytes, so that no two different owners
    // encode alike ("a" + "bc" differs from "ab" + "c").
    Bytes encode() const {
        static constexpr char kLabel[] = "kiod.owner.v1";
        Bytes out(kLabel, kLabel + sizeof(kLabel) - 1);
        for (const std::string* field : {&catalogId, &scope, &purpose}) {
            auto size = static_cast<std::uint32_t>(field->size());
            for (int shift = 24; shift >= 0; shift -= 8) {
                out.push_back(static_cast<std::uint8_t>(size >> shift));
            }
            out.insert(out.end(), field->begin(), field->end());
        }
        return out;
    }
};

}  // namespace kiod::crypto
