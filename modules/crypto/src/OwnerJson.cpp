#include "OwnerJson.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace kiod::crypto {

namespace {

struct Member {
    const char* name;
    std::string Owner::*field;
};

constexpr Member kMembers[] = {
    {"catalogId", &Owner::catalogId},
    {"scope", &Owner::scope},
    {"purpose", &Owner::purpose},
};

}  // namespace

std::string OwnerJson::serialize(const Owner& owner) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> json(buffer);
    json.StartObject();
    for (const auto& member : kMembers) {
        const auto& value = owner.*member.field;
        json.Key(member.name);
        json.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
    }
    json.EndObject();
    return {buffer.GetString(), buffer.GetSize()};
}

Result<Owner> OwnerJson::parse(const rapidjson::Value& value, std::string_view field) {
    if (!value.IsObject()) {
        return Status::invalid(std::string(field) +
                               " must be an object with catalogId, scope and purpose");
    }
    Owner owner;
    for (const auto& member : kMembers) {
        auto it = value.FindMember(member.name);
        if (it == value.MemberEnd()) {
            continue;
        }
        if (!it->value.IsString()) {
            return Status::invalid(std::string(field) + "." + member.name + " must be a string");
        }
        (owner.*member.field).assign(it->value.GetString(), it->value.GetStringLength());
    }
    return owner;
}

Result<Owner> OwnerJson::parse(std::string_view text, std::string_view field) {
    rapidjson::Document document;
    document.Parse(text.data(), text.size());
    if (document.HasParseError()) {
        return Status::invalid(std::string(field) + " is not JSON");
    }
    return parse(document, field);
}

}  // namespace kiod::crypto
