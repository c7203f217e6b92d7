#include "ObjectDocument.h"

#include <kiod/JsonDepth.h>

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/DateTimeParser.h>
#include <Poco/Timestamp.h>

#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <regex>

namespace kiod::catalog {

namespace {

using rapidjson::Value;

Status invalid(const std::string& message) {
    return Status::invalid(message);
}

const Value* member(const Value& object, const char* name) {
    auto it = object.FindMember(name);
    return it == object.MemberEnd() ? nullptr : &it->value;
}

void setString(Value& object, const char* name, const std::string& value,
               rapidjson::Document::AllocatorType& allocator) {
    Value text(value.c_str(), static_cast<rapidjson::SizeType>(value.size()), allocator);
    auto it = object.FindMember(name);
    if (it != object.MemberEnd()) {
        it->value = std::move(text);
    } else {
        object.AddMember(Value(name, allocator), std::move(text), allocator);
    }
}

}  // namespace

Result<ObjectDocument> ObjectDocument::parse(const ObjectKey& key, const std::string& json) {
    ObjectDocument object;
    auto& document = object.document_;
    if (jsonTooDeep(json)) {
        return invalid("the object nests deeper than " + std::to_string(kMaxJsonDepth) + " levels");
    }
    document.Parse(json.c_str(), json.size());
    if (document.HasParseError()) {
        return invalid("the object is not valid JSON: " +
                       std::string(rapidjson::GetParseError_En(document.GetParseError())) +
                       " at offset " + std::to_string(document.GetErrorOffset()));
    }
    if (!document.IsObject()) {
        return invalid("the object must be a JSON object");
    }
    auto& allocator = document.GetAllocator();
    if (!document.HasMember("metadata")) {
        document.AddMember("metadata", Value(rapidjson::kObjectType), allocator);
    }
    auto& metadata = document["metadata"];
    if (!metadata.IsObject()) {
        return invalid("metadata: must be an object");
    }
    if (const auto* name = member(metadata, "name")) {
        if (!name->IsString() || name->GetString() != key.name) {
            return invalid("metadata.name: must be \"" + key.name + "\"");
        }
    } else {
        setString(metadata, "name", key.name, allocator);
    }
    if (const auto* ns = member(metadata, "namespace");
        ns && !(ns->IsString() && ns->GetString() == key.ns)) {
        return invalid(key.ns.empty()
                           ? "metadata.namespace: must be absent for a cluster-scoped object"
                           : "metadata.namespace: must be \"" + key.ns + "\"");
    }
    if (!key.ns.empty()) {
        setString(metadata, "namespace", key.ns, allocator);
    }
    if (const auto* uid = member(metadata, "uid")) {
        if (!uid->IsString()) {
            return invalid("metadata.uid: must be a string");
        }
        object.uid_ = uid->GetString();
    }
    if (const auto* labels = member(metadata, "labels"); labels && !labels->IsNull()) {
        if (!labels->IsObject()) {
            return invalid("metadata.labels: must be an object of strings");
        }
        for (const auto& label : labels->GetObject()) {
            if (!label.value.IsString()) {
                return invalid(std::string("metadata.labels.") + label.name.GetString() +
                               ": must be a string");
            }
            object.labels_.emplace(label.name.GetString(), label.value.GetString());
        }
    }
    if (const auto* status = member(document, "status"); status && status->IsObject()) {
        if (const auto* state = member(*status, "state"); state && state->IsString()) {
            object.state_ = state->GetString();
        }
    }
    if (const auto* spec = member(document, "spec"); spec && spec->IsObject()) {
        if (const auto* expires = member(*spec, "expiresAt"); expires && !expires->IsNull()) {
            // RFC 3339, as metav1.Time serializes; Poco's parser alone
            // accepts far more.
            static const std::regex kRfc3339(
                R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2}))");
            Poco::DateTime when;
            int timeZone = 0;
            if (!expires->IsString() || !std::regex_match(expires->GetString(), kRfc3339) ||
                !Poco::DateTimeParser::tryParse(Poco::DateTimeFormat::ISO8601_FORMAT,
                                                expires->GetString(), when, timeZone)) {
                return invalid("spec.expiresAt: must be a time such as 2026-11-24T09:00:00Z");
            }
            object.expiresAt_ = when.timestamp().epochTime() - timeZone;
        }
    }
    return object;
}

std::map<std::string, std::string> ObjectDocument::labelsOf(std::string_view json) {
    std::map<std::string, std::string> labels;
    rapidjson::Document document;
    document.Parse(json.data(), json.size());
    if (document.IsObject()) {
        if (const auto* metadata = member(document, "metadata"); metadata && metadata->IsObject()) {
            if (const auto* found = member(*metadata, "labels"); found && found->IsObject()) {
                for (const auto& label : found->GetObject()) {
                    if (label.value.IsString()) {
                        labels.emplace(label.name.GetString(), label.value.GetString());
                    }
                }
            }
        }
    }
    return labels;
}

std::string ObjectDocument::withRevision(std::string_view json, Revision revision) {
    rapidjson::Document document;
    document.Parse(json.data(), json.size());
    if (!document.IsObject() || !document.HasMember("metadata") ||
        !document["metadata"].IsObject()) {
        return std::string(json);  // stored by this store, so never the case
    }
    setString(document["metadata"], "resourceVersion", std::to_string(revision),
              document.GetAllocator());
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    document.Accept(writer);
    return std::string(buffer.GetString(), buffer.GetSize());
}

std::string ObjectDocument::complete(const std::string& uid, std::int64_t createdAt,
                                     Revision revision) {
    auto& allocator = document_.GetAllocator();
    auto& metadata = document_["metadata"];
    setString(metadata, "uid", uid, allocator);
    setString(metadata, "resourceVersion", std::to_string(revision), allocator);
    setString(metadata, "creationTimestamp",
              Poco::DateTimeFormatter::format(Poco::Timestamp::fromEpochTime(createdAt),
                                              "%Y-%m-%dT%H:%M:%SZ"),
              allocator);
    if (!metadata.HasMember("generation")) {
        metadata.AddMember("generation", 1, allocator);
    }
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    document_.Accept(writer);
    return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace kiod::catalog
