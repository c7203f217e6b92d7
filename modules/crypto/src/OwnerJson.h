#pragma once

#include <kiod/Status.h>
#include <kiod/crypto/Owner.h>

#include <rapidjson/document.h>
#include <string>
#include <string_view>

namespace kiod::crypto {

// An Owner as JSON, {"catalogId": ..., "scope": ..., "purpose": ...}: how
// the crypto service's requests name it and how the catalog's wrapped keys
// collection keeps it (readable in `kiodctl inspect`, since an owner is not
// secret). Absent members are empty strings.
class OwnerJson {
public:
    static std::string serialize(const Owner& owner);

    // Invalid naming `field` when `value` is not such an object.
    static Result<Owner> parse(const rapidjson::Value& value, std::string_view field);
    static Result<Owner> parse(std::string_view text, std::string_view field);
};

}  // namespace kiod::crypto
