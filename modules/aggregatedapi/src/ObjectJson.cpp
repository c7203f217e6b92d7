#include "ObjectJson.h"

#include <kiod/JsonDepth.h>

#include <cstring>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace kiod::aggregatedapi {

Result<ObjectJson> ObjectJson::parse(std::string_view json) {
    if (jsonTooDeep(json)) {
        return Status::badRequest("the body of the request nests deeper than " +
                                  std::to_string(kMaxJsonDepth) + " levels");
    }
    ObjectJson object;
    object.document_.Parse(json.data(), json.size());
    if (object.document_.HasParseError()) {
        return Status::badRequest(
            "the body of the request is not valid JSON: " +
            std::string(rapidjson::GetParseError_En(object.document_.GetParseError())) +
            " at offset " + std::to_string(object.document_.GetErrorOffset()));
    }
    if (!object.document_.IsObject()) {
        return Status::badRequest("the body of the request must be a JSON object");
    }
    return object;
}

const ObjectJson::Value* ObjectJson::find(std::initializer_list<const char*> path) const {
    const Value* at = &document_;
    for (const char* name : path) {
        if (!at->IsObject()) {
            return nullptr;
        }
        auto it = at->FindMember(name);
        if (it == at->MemberEnd()) {
            return nullptr;
        }
        at = &it->value;
    }
    return at;
}

ObjectJson::Value* ObjectJson::find(std::initializer_list<const char*> path) {
    return const_cast<Value*>(static_cast<const ObjectJson*>(this)->find(path));
}

std::string ObjectJson::string(std::initializer_list<const char*> path) const {
    const auto* value = find(path);
    return value && value->IsString() ? std::string(value->GetString(), value->GetStringLength())
                                      : std::string();
}

void ObjectJson::set(std::initializer_list<const char*> path, Value value) {
    Value* at = &document_;
    auto last = path.end() - 1;
    for (auto it = path.begin(); it != path.end(); ++it) {
        if (!at->IsObject()) {
            at->SetObject();
        }
        auto member = at->FindMember(*it);
        if (it == last) {
            if (member != at->MemberEnd()) {
                member->value = std::move(value);
            } else {
                at->AddMember(Value(*it, allocator()), std::move(value), allocator());
            }
            return;
        }
        if (member == at->MemberEnd()) {
            at->AddMember(Value(*it, allocator()), Value(rapidjson::kObjectType), allocator());
            member = at->FindMember(*it);
        }
        at = &member->value;
    }
}

void ObjectJson::setString(std::initializer_list<const char*> path, std::string_view value) {
    set(path, Value(value.data(), static_cast<rapidjson::SizeType>(value.size()), allocator()));
}

void ObjectJson::remove(std::initializer_list<const char*> path) {
    Value* at = &document_;
    auto last = path.end() - 1;
    for (auto it = path.begin(); it != path.end(); ++it) {
        if (!at->IsObject()) {
            return;
        }
        auto member = at->FindMember(*it);
        if (member == at->MemberEnd()) {
            return;
        }
        if (it == last) {
            at->RemoveMember(member);
            return;
        }
        at = &member->value;
    }
}

std::map<std::string, std::string> ObjectJson::labels() const {
    std::map<std::string, std::string> labels;
    if (const auto* found = find({"metadata", "labels"}); found && found->IsObject()) {
        for (const auto& label : found->GetObject()) {
            if (label.value.IsString()) {
                labels.emplace(label.name.GetString(), label.value.GetString());
            }
        }
    }
    return labels;
}

std::string ObjectJson::serialize() const {
    return serialize(document_);
}

std::string ObjectJson::serialize(const Value& value) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    value.Accept(writer);
    return std::string(buffer.GetString(), buffer.GetSize());
}

std::string ObjectJson::withoutDetails(const std::string& json, const std::string& detailsField) {
    std::string copy = json;
    removeDetails(copy, detailsField);
    return copy;
}

void ObjectJson::removeDetails(std::string& json, const std::string& detailsField) {
    if (detailsField.empty()) {
        return;
    }
    // memmem (two-way search) rather than std::string::find, which stops at
    // every quote of the JSON: this runs for every item of every list page.
    std::string key = "\"" + detailsField + "\"";
    if (!memmem(json.data(), json.size(), key.data(), key.size())) {
        return;
    }
    auto parsed = parse(json);
    if (!parsed) {
        return;
    }
    auto* status = parsed->find({"status"});
    if (!status || !status->IsObject() || !status->HasMember(detailsField.c_str())) {
        return;
    }
    status->RemoveMember(detailsField.c_str());
    json = parsed->serialize();
}

}  // namespace kiod::aggregatedapi
