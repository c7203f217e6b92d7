#include "Patch.h"

#include <kiod/JsonDepth.h>

#include <Poco/String.h>

#include <rapidjson/error/en.h>
#include <rapidjson/pointer.h>
#include <string>

namespace kiod::aggregatedapi {

namespace {

using rapidjson::Value;

// The parent of the location `path` names and the last reference token,
// unescaped (`~1` is `/`, `~0` is `~`).
struct Location {
    Value* parent = nullptr;
    std::string token;
};

std::optional<Location> locate(rapidjson::Document& document, const std::string& path) {
    if (path.empty() || path.front() != '/') {
        return std::nullopt;
    }
    auto slash = path.rfind('/');
    std::string parentPath = path.substr(0, slash);
    std::string raw = path.substr(slash + 1);
    std::string token;
    for (std::size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '~' && i + 1 < raw.size() && (raw[i + 1] == '0' || raw[i + 1] == '1')) {
            token += raw[i + 1] == '0' ? '~' : '/';
            ++i;
        } else {
            token += raw[i];
        }
    }
    Value* parent = &document;
    if (!parentPath.empty()) {
        rapidjson::Pointer pointer(parentPath.c_str());
        if (!pointer.IsValid()) {
            return std::nullopt;
        }
        parent = pointer.Get(document);
        if (!parent) {
            return std::nullopt;
        }
    }
    return Location{parent, token};
}

std::optional<rapidjson::SizeType> arrayIndex(const Value& array, const std::string& token,
                                              bool forInsert) {
    if (forInsert && token == "-") {
        return array.Size();
    }
    if (token.empty() || token.find_first_not_of("0123456789") != std::string::npos ||
        (token.size() > 1 && token[0] == '0') || token.size() > 9) {
        return std::nullopt;
    }
    auto index = static_cast<rapidjson::SizeType>(std::stoul(token));
    if (index > array.Size() || (!forInsert && index == array.Size())) {
        return std::nullopt;
    }
    return index;
}

Status missing(const std::string& path) {
    return Status::badRequest("the json patch path \"" + path + "\" does not exist");
}

// Removes the value at `path` and returns it.
Result<Value> take(rapidjson::Document& document, const std::string& path) {
    auto location = locate(document, path);
    if (!location) {
        return missing(path);
    }
    Value& parent = *location->parent;
    if (parent.IsObject()) {
        auto member = parent.FindMember(location->token.c_str());
        if (member == parent.MemberEnd()) {
            return missing(path);
        }
        Value taken(std::move(member->value));
        parent.RemoveMember(member);
        return taken;
    }
    if (parent.IsArray()) {
        auto index = arrayIndex(parent, location->token, false);
        if (!index) {
            return missing(path);
        }
        Value taken(std::move(parent[*index]));
        parent.Erase(parent.Begin() + *index);
        return taken;
    }
    return missing(path);
}

Status put(rapidjson::Document& document, const std::string& path, Value value, bool replace) {
    if (path.empty()) {
        if (!value.IsObject()) {
            return Status::badRequest("the json patch must leave an object");
        }
        static_cast<Value&>(document) = std::move(value);
        return Status::ok();
    }
    auto location = locate(document, path);
    if (!location) {
        return missing(path);
    }
    Value& parent = *location->parent;
    auto& allocator = document.GetAllocator();
    if (parent.IsObject()) {
        auto member = parent.FindMember(location->token.c_str());
        if (member != parent.MemberEnd()) {
            member->value = std::move(value);
        } else if (replace) {
            return missing(path);
        } else {
            parent.AddMember(Value(location->token.c_str(), allocator), std::move(value),
                             allocator);
        }
        return Status::ok();
    }
    if (parent.IsArray()) {
        auto index = arrayIndex(parent, location->token, !replace);
        if (!index) {
            return missing(path);
        }
        if (replace) {
            parent[*index] = std::move(value);
        } else {
            parent.PushBack(Value(), allocator);
            for (auto i = parent.Size() - 1; i > *index; --i) {
                parent[i] = std::move(parent[i - 1]);
            }
            parent[*index] = std::move(value);
        }
        return Status::ok();
    }
    return missing(path);
}

const Value* valueAt(rapidjson::Document& document, const std::string& path) {
    if (path.empty()) {
        return &document;
    }
    rapidjson::Pointer pointer(path.c_str());
    return pointer.IsValid() ? pointer.Get(document) : nullptr;
}

}  // namespace

std::optional<PatchType> Patch::typeFor(std::string_view contentType) {
    auto type = Poco::toLower(std::string(contentType.substr(0, contentType.find(';'))));
    Poco::trimInPlace(type);
    if (type == "application/merge-patch+json") {
        return PatchType::kMerge;
    }
    if (type == "application/json-patch+json") {
        return PatchType::kJson;
    }
    if (type == "application/strategic-merge-patch+json") {
        return PatchType::kStrategicMerge;
    }
    return std::nullopt;
}

const char* Patch::acceptedTypes() {
    return "application/json-patch+json, application/merge-patch+json, "
           "application/strategic-merge-patch+json";
}

void Patch::merge(Value& target, const Value& patch,
                  rapidjson::Document::AllocatorType& allocator) {
    if (!patch.IsObject()) {
        target.CopyFrom(patch, allocator);
        return;
    }
    if (!target.IsObject()) {
        target.SetObject();
    }
    for (const auto& member : patch.GetObject()) {
        auto existing = target.FindMember(member.name);
        if (member.value.IsNull()) {
            if (existing != target.MemberEnd()) {
                target.RemoveMember(existing);
            }
            continue;
        }
        if (existing == target.MemberEnd()) {
            Value name(member.name, allocator);
            Value value(rapidjson::kObjectType);
            merge(value, member.value, allocator);
            target.AddMember(name, value, allocator);
        } else {
            merge(existing->value, member.value, allocator);
        }
    }
}

Status Patch::applyJsonPatch(rapidjson::Document& target, const Value& operations) {
    if (!operations.IsArray()) {
        return Status::badRequest("a json patch must be an array of operations");
    }
    auto& allocator = target.GetAllocator();
    for (const auto& operation : operations.GetArray()) {
        auto text = [&](const char* name) -> std::optional<std::string> {
            if (!operation.IsObject()) {
                return std::nullopt;
            }
            auto it = operation.FindMember(name);
            if (it == operation.MemberEnd() || !it->value.IsString()) {
                return std::nullopt;
            }
            return std::string(it->value.GetString(), it->value.GetStringLength());
        };
        auto op = text("op");
        auto path = text("path");
        if (!op || !path) {
            return Status::badRequest("a json patch operation needs \"op\" and \"path\"");
        }
        auto valueOf = [&]() -> const Value* {
            auto it = operation.FindMember("value");
            return it == operation.MemberEnd() ? nullptr : &it->value;
        };
        Status status;
        if (*op == "add" || *op == "replace" || *op == "test") {
            const Value* value = valueOf();
            if (!value) {
                return Status::badRequest("the json patch operation \"" + *op +
                                          "\" needs a \"value\"");
            }
            if (*op == "test") {
                const Value* current = valueAt(target, *path);
                if (!current || *current != *value) {
                    return Status::badRequest("the json patch test of \"" + *path + "\" failed");
                }
                continue;
            }
            Value copy(*value, allocator);
            status = put(target, *path, std::move(copy), *op == "replace");
        } else if (*op == "remove") {
            auto taken = take(target, *path);
            status = taken.status();
        } else if (*op == "move" || *op == "copy") {
            auto from = text("from");
            if (!from) {
                return Status::badRequest("the json patch operation \"" + *op +
                                          "\" needs \"from\"");
            }
            if (*op == "move") {
                auto taken = take(target, *from);
                if (!taken) {
                    return taken.status();
                }
                status = put(target, *path, std::move(taken).value(), false);
            } else {
                const Value* source = valueAt(target, *from);
                if (!source) {
                    return missing(*from);
                }
                Value copy(*source, allocator);
                status = put(target, *path, std::move(copy), false);
            }
        } else {
            return Status::badRequest("unknown json patch operation \"" + *op + "\"");
        }
        if (!status) {
            return status;
        }
    }
    return Status::ok();
}

Status Patch::apply(PatchType type, rapidjson::Document& target, std::string_view patch) {
    if (jsonTooDeep(patch)) {
        return Status::badRequest("the patch nests deeper than " + std::to_string(kMaxJsonDepth) +
                                  " levels");
    }
    rapidjson::Document parsed;
    parsed.Parse(patch.data(), patch.size());
    if (parsed.HasParseError()) {
        return Status::badRequest("the patch is not valid JSON: " +
                                  std::string(rapidjson::GetParseError_En(parsed.GetParseError())));
    }
    if (type == PatchType::kJson) {
        return applyJsonPatch(target, parsed);
    }
    if (!parsed.IsObject()) {
        return Status::badRequest("a merge patch must be a JSON object");
    }
    merge(target, parsed, target.GetAllocator());
    return Status::ok();
}

}  // namespace kiod::aggregatedapi
