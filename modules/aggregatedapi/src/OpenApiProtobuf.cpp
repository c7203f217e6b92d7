#include "OpenApiProtobuf.h"

#include <cstdint>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <string_view>

namespace kiod::aggregatedapi {

namespace {

using rapidjson::Value;

// Protocol buffer wire format: fields as (number << 3 | wire type), then a
// varint or a length and the bytes.
class Message {
public:
    void varint(int field, std::uint64_t value) {
        key(field, 0);
        raw(value);
    }
    void boolean(int field, bool value) {
        if (value) {
            varint(field, 1);
        }
    }
    void string(int field, std::string_view text) {
        key(field, 2);
        raw(text.size());
        bytes_.append(text);
    }
    void nonEmpty(int field, std::string_view text) {
        if (!text.empty()) {
            string(field, text);
        }
    }
    void message(int field, const Message& inner) { string(field, inner.bytes_); }
    const std::string& bytes() const { return bytes_; }

private:
    void key(int field, int type) { raw(static_cast<std::uint64_t>(field) << 3 | type); }
    void raw(std::uint64_t value) {
        while (value >= 0x80) {
            bytes_ += static_cast<char>((value & 0x7f) | 0x80);
            value >>= 7;
        }
        bytes_ += static_cast<char>(value);
    }
    std::string bytes_;
};

std::string text(const Value& object, const char* name) {
    auto it = object.FindMember(name);
    return it != object.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
}

bool flag(const Value& object, const char* name) {
    auto it = object.FindMember(name);
    return it != object.MemberEnd() && it->value.IsBool() && it->value.GetBool();
}

std::string json(const Value& value) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    value.Accept(writer);
    return std::string(buffer.GetString(), buffer.GetSize());
}

// NamedAny{name = 1, value = 2: Any{yaml = 2}}.
Message namedAny(std::string_view name, const Value& value) {
    Message any;
    any.string(2, json(value));
    Message named;
    named.string(1, name);
    named.message(2, any);
    return named;
}

Message schema(const Value& object) {
    Message out;
    if (!object.IsObject()) {
        return out;
    }
    out.nonEmpty(1, text(object, "$ref"));
    out.nonEmpty(2, text(object, "format"));
    out.nonEmpty(3, text(object, "title"));
    out.nonEmpty(4, text(object, "description"));
    for (const auto& member : object.GetObject()) {
        std::string_view name(member.name.GetString(), member.name.GetStringLength());
        const auto& value = member.value;
        if (name == "required" && value.IsArray()) {
            for (const auto& item : value.GetArray()) {
                if (item.IsString()) {
                    out.string(19, item.GetString());
                }
            }
        } else if (name == "additionalProperties") {
            Message item;
            if (value.IsBool()) {
                item.boolean(2, value.GetBool());
            } else {
                item.message(1, schema(value));
            }
            out.message(21, item);
        } else if (name == "type" && value.IsString()) {
            Message type;
            type.string(1, value.GetString());
            out.message(22, type);
        } else if (name == "items") {
            Message items;
            items.message(1, schema(value));
            out.message(23, items);
        } else if (name == "allOf" && value.IsArray()) {
            for (const auto& item : value.GetArray()) {
                out.message(24, schema(item));
            }
        } else if (name == "properties" && value.IsObject()) {
            Message properties;
            for (const auto& property : value.GetObject()) {
                Message named;
                named.string(1, property.name.GetString());
                named.message(2, schema(property.value));
                properties.message(1, named);
            }
            out.message(25, properties);
        } else if (name.substr(0, 2) == "x-") {
            out.message(31, namedAny(name, value));
        }
    }
    return out;
}

// ParametersItem{parameter = 1: Parameter{body_parameter = 1 |
// non_body_parameter = 2: NonBodyParameter{query = 3 | path = 4}}}.
Message parameter(const Value& object) {
    auto in = text(object, "in");
    Message parameter;
    if (in == "body") {
        Message body;
        body.nonEmpty(1, text(object, "description"));
        body.nonEmpty(2, text(object, "name"));
        body.string(3, in);
        body.boolean(4, flag(object, "required"));
        if (auto it = object.FindMember("schema"); it != object.MemberEnd()) {
            body.message(5, schema(it->value));
        }
        parameter.message(1, body);
    } else {
        Message sub;
        sub.boolean(1, flag(object, "required"));
        sub.string(2, in);
        sub.nonEmpty(3, text(object, "description"));
        sub.nonEmpty(4, text(object, "name"));
        Message nonBody;
        if (in == "path") {
            sub.nonEmpty(5, text(object, "type"));
            nonBody.message(4, sub);
        } else {
            sub.nonEmpty(6, text(object, "type"));
            sub.boolean(20, flag(object, "uniqueItems"));
            nonBody.message(3, sub);
        }
        parameter.message(2, nonBody);
    }
    Message item;
    item.message(1, parameter);
    return item;
}

void strings(Message& out, int field, const Value& object, const char* name) {
    auto it = object.FindMember(name);
    if (it != object.MemberEnd() && it->value.IsArray()) {
        for (const auto& item : it->value.GetArray()) {
            if (item.IsString()) {
                out.string(field, item.GetString());
            }
        }
    }
}

void parameters(Message& out, int field, const Value& object) {
    auto it = object.FindMember("parameters");
    if (it != object.MemberEnd() && it->value.IsArray()) {
        for (const auto& item : it->value.GetArray()) {
            out.message(field, parameter(item));
        }
    }
}

Message operation(const Value& object) {
    Message out;
    strings(out, 1, object, "tags");
    out.nonEmpty(3, text(object, "description"));
    out.nonEmpty(5, text(object, "operationId"));
    strings(out, 6, object, "produces");
    strings(out, 7, object, "consumes");
    parameters(out, 8, object);
    if (auto it = object.FindMember("responses");
        it != object.MemberEnd() && it->value.IsObject()) {
        Message responses;
        for (const auto& code : it->value.GetObject()) {
            Message response;
            response.nonEmpty(1, text(code.value, "description"));
            if (auto found = code.value.FindMember("schema"); found != code.value.MemberEnd()) {
                Message item;
                item.message(1, schema(found->value));
                response.message(2, item);
            }
            Message value;
            value.message(1, response);
            Message named;
            named.string(1, code.name.GetString());
            named.message(2, value);
            responses.message(1, named);
        }
        out.message(9, responses);
    }
    for (const auto& member : object.GetObject()) {
        std::string_view name(member.name.GetString(), member.name.GetStringLength());
        if (name.substr(0, 2) == "x-") {
            out.message(13, namedAny(name, member.value));
        }
    }
    return out;
}

Message pathItem(const Value& object) {
    Message out;
    const std::pair<const char*, int> methods[] = {
        {"get", 2}, {"put", 3}, {"post", 4}, {"delete", 5}, {"patch", 8}};
    for (const auto& [method, field] : methods) {
        if (auto it = object.FindMember(method); it != object.MemberEnd()) {
            out.message(field, operation(it->value));
        }
    }
    parameters(out, 9, object);
    return out;
}

}  // namespace

std::string OpenApiProtobuf::encode(const Value& swagger) {
    Message document;
    document.nonEmpty(1, text(swagger, "swagger"));
    if (auto it = swagger.FindMember("info"); it != swagger.MemberEnd()) {
        Message info;
        info.nonEmpty(1, text(it->value, "title"));
        info.nonEmpty(2, text(it->value, "version"));
        document.message(2, info);
    }
    if (auto it = swagger.FindMember("paths"); it != swagger.MemberEnd() && it->value.IsObject()) {
        Message paths;
        for (const auto& path : it->value.GetObject()) {
            Message named;
            named.string(1, path.name.GetString());
            named.message(2, pathItem(path.value));
            paths.message(2, named);
        }
        document.message(8, paths);
    }
    if (auto it = swagger.FindMember("definitions");
        it != swagger.MemberEnd() && it->value.IsObject()) {
        Message definitions;
        for (const auto& definition : it->value.GetObject()) {
            Message named;
            named.string(1, definition.name.GetString());
            named.message(2, schema(definition.value));
            definitions.message(1, named);
        }
        document.message(9, definitions);
    }
    return document.bytes();
}

}  // namespace kiod::aggregatedapi
