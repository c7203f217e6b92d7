#include "OpenApi.h"

#include "OpenApiProtobuf.h"

#include <Poco/DigestStream.h>
#include <Poco/SHA1Engine.h>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace kiod::aggregatedapi {

namespace {

const char* kObjectMeta = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";

// Schemas as JSON text with REF/ standing for the reference prefix, which
// differs between Swagger 2.0 (#/definitions/) and OpenAPI 3 (#/components/schemas/).
const char* kObjectMetaSchema = R"({
 "description": "ObjectMeta is metadata that all persisted resources must have.",
 "type": "object",
 "properties": {
  "name": {"type": "string", "description": "Name must be unique within a namespace (RFC 1123 subdomain, at most 253 characters). Cannot be updated."},
  "generateName": {"type": "string", "description": "A prefix from which the server generates a unique name when name is not given."},
  "namespace": {"type": "string", "description": "The namespace of a namespaced object."},
  "uid": {"type": "string", "description": "Set by the server on create; unique in time and space."},
  "resourceVersion": {"type": "string", "description": "Opaque version of the object, set by the server on every change; used for optimistic concurrency, watch and lists."},
  "generation": {"type": "integer", "format": "int64", "description": "Set by the server."},
  "creationTimestamp": {"type": "string", "format": "date-time", "description": "Set by the server when the object is created (RFC 3339, UTC)."},
  "deletionTimestamp": {"type": "string", "format": "date-time", "description": "Unused: objects are deleted at once."},
  "labels": {"type": "object", "additionalProperties": {"type": "string"}, "description": "Map of string keys and values used to organize and select objects. May be changed."},
  "annotations": {"type": "object", "additionalProperties": {"type": "string"}, "description": "Map of string keys and values for tools. May be changed."},
  "finalizers": {"type": "array", "items": {"type": "string"}},
  "ownerReferences": {"type": "array", "items": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}},
  "managedFields": {"type": "array", "items": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}
 }
})";

const char* kReference = R"({"type": "object", "properties": {
  "name": {"type": "string", "description": "Name of the referenced object."},
  "namespace": {"type": "string", "description": "Namespace of the referenced object."}}})";

std::string subjectSchema(const std::string& what) {
    return R"({"type": "object", "description": ")" + what + R"(", "properties": {
  "name": {"type": "string", "description": "Name of the subject (required)."},
  "namespace": {"type": "string", "description": "Namespace of the subject."},
  "kind": {"type": "string", "description": "Kind of the subject."},
  "apiVersion": {"type": "string", "description": "API version of the subject's kind."}},
  "required": ["name"]})";
}

const char* kActionStatus = R"({"type": "object",
 "description": "Written by the platform's executor through the status subresource; users should not set it.",
 "x-kubernetes-preserve-unknown-fields": true,
 "properties": {
  "state": {"type": "string", "description": "Pending, Running, AttemptFailed, Failed, Complete, Skipped, Deleting or Cancelled."},
  "progress": {"type": "integer", "description": "Progress in percent, 0 to 100."},
  "startTime": {"type": "string", "format": "date-time"},
  "endTime": {"type": "string", "format": "date-time"},
  "error": {"type": "object", "properties": {"message": {"type": "string"}}, "x-kubernetes-preserve-unknown-fields": true},
  "exceptions": {"type": "array", "items": {"type": "object", "properties": {"message": {"type": "string"}}, "x-kubernetes-preserve-unknown-fields": true}},
  "restorePoint": REFERENCE
 }})";

const char* kRestorePointStatus = R"({"type": "object",
 "x-kubernetes-preserve-unknown-fields": true,
 "properties": {
  "state": {"type": "string", "description": "Bound or Unbound."},
  "logicalSizeBytes": {"type": "integer", "format": "int64"},
  "physicalSizeBytes": {"type": "integer", "format": "int64"},
  "scheduledTime": {"type": "string", "format": "date-time"},
  "actionTime": {"type": "string", "format": "date-time"},
  "restorePointRef": REFERENCE
 }})";

std::string replaceAll(std::string text, const std::string& from, const std::string& to) {
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
        text.replace(at, from.size(), to);
    }
    return text;
}

std::string specSchema(const ResourceInfo& resource) {
    std::string properties;
    auto add = [&](const std::string& name, const std::string& schema) {
        properties += (properties.empty() ? "" : ",") + ("\"" + name + "\": ") + schema;
    };
    std::vector<std::string> required;
    const auto& kind = resource.kind;
    if (resource.family == KindFamily::kAction || resource.family == KindFamily::kCancelAction) {
        if (kind != "ImportAction" && kind != "ReportAction" && kind != "BackupClusterAction" &&
            kind != "BatchRestoreAction") {
            add("subject", subjectSchema("What the action acts on."));
            if (kind != "RetireAction") {
                required.push_back("subject");
            }
        }
        if (kind != "CancelAction") {
            add("expiresAt",
                R"({"type": "string", "format": "date-time", "description": "When the action and what it made are retired."})");
            add("scheduledTime", R"({"type": "string", "format": "date-time"})");
            add("filters", R"({"type": "object", "x-kubernetes-preserve-unknown-fields": true})");
            add("hooks", R"({"type": "object", "x-kubernetes-preserve-unknown-fields": true})");
        }
        if (kind == "ExportAction" || kind == "ImportAction") {
            add("profile", kReference);
            add("receiveString", R"({"type": "string"})");
            if (kind == "ExportAction") {
                required.push_back("profile");
            }
        }
    }
    if (resource.family == KindFamily::kRestorePoint) {
        add("restorePointContentRef",
            R"({"type": "object", "description": "The RestorePointContent to bind (required).", "properties": {"name": {"type": "string"}}, "required": ["name"]})");
        required.push_back("restorePointContentRef");
    }
    if (resource.family == KindFamily::kPasskey) {
        // The crypto module's rules (docs/PASSKEYS.md): exactly one of
        // secret and keyFile on create; configuration is kiod's own.
        add("secret",
            R"({"type": "object", "description": "A passphrase passkey: the Secret whose key passphrase holds it, as mounted under [crypto] passkey.source_dir (NAMESPACE/NAME/passphrase).", "properties": {"name": {"type": "string"}, "namespace": {"type": "string"}}, "required": ["name", "namespace"]})");
        add("keyFile",
            R"({"type": "object", "description": "A key-file passkey: the Secret whose key key holds 32 random bytes, as mounted under [crypto] passkey.source_dir (NAMESPACE/NAME/key).", "properties": {"name": {"type": "string"}, "namespace": {"type": "string"}}, "required": ["name", "namespace"]})");
        add("configuration",
            R"({"type": "boolean", "description": "Set by kiod: the passkey of its configuration ([crypto] passphrase_file, passphrase_env or credential) that the first start sealed the primary key under."})");
    }
    std::string schema =
        R"({"type": "object", "description": "The desired state; immutable after creation.", "x-kubernetes-preserve-unknown-fields": true)";
    if (!properties.empty()) {
        schema += R"(, "properties": {)" + properties + "}";
    }
    if (!required.empty()) {
        schema += R"(, "required": [)";
        for (std::size_t i = 0; i < required.size(); ++i) {
            schema += (i ? ",\"" : "\"") + required[i] + "\"";
        }
        schema += "]";
    }
    return schema + "}";
}

std::string statusSchema(const ResourceInfo& resource) {
    switch (resource.family) {
        case KindFamily::kAction:
        case KindFamily::kCancelAction:
            return kActionStatus;
        case KindFamily::kRestorePoint:
        case KindFamily::kRestorePointContent:
        case KindFamily::kClusterRestorePoint:
            return kRestorePointStatus;
        case KindFamily::kPasskey:
            return R"({"type": "object", "x-kubernetes-preserve-unknown-fields": true, "properties": {"valid": {"type": "boolean"}, "state": {"type": "string"}}})";
    }
    return "{}";
}

std::string gvk(const ResourceInfo& resource) {
    return R"({"group": ")" + resource.group + R"(", "version": ")" + resource.version +
           R"(", "kind": ")" + resource.kind + "\"}";
}

std::string definitionName(const ResourceInfo& resource) {
    // io.kasten.kio.actions.v1alpha1.BackupAction: reversed group, as
    // Kubernetes' generated names are.
    std::string group = resource.group;
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (auto dot = group.find('.');; dot = group.find('.', start)) {
        parts.push_back(group.substr(start, dot == std::string::npos ? dot : dot - start));
        if (dot == std::string::npos) {
            break;
        }
        start = dot + 1;
    }
    std::string name;
    for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
        name += *it + ".";
    }
    return name + resource.version + "." + resource.kind;
}

std::string kindSchema(const ResourceInfo& resource) {
    std::string schema = R"({"type": "object", "description": ")" + resource.kind + R"( of )" +
                         resource.group +
                         R"(.", "properties": {
  "apiVersion": {"type": "string", "description": "APIVersion: )" +
                         resource.groupVersion() + R"("},
  "kind": {"type": "string", "description": "Kind: )" +
                         resource.kind + R"("},
  "metadata": METADATA,
  "spec": )" + specSchema(resource);
    if (resource.family != KindFamily::kCancelAction) {
        schema += R"(, "status": )" + statusSchema(resource);
    }
    schema += R"(}, "x-kubernetes-group-version-kind": [)" + gvk(resource) + "]}";
    return replaceAll(schema, "REFERENCE", kReference);
}

// One operation; `body` whether it takes the object (v2: a body parameter,
// v3: requestBody), `patch` whether it takes a patch.
std::string operation(const ResourceInfo& resource, const std::string& id,
                      const std::string& action, bool v3, bool body, bool patch, bool writes) {
    std::string ref = "REF/" + definitionName(resource);
    std::string params;
    auto param = [&](const std::string& name, const std::string& description) {
        params += (params.empty() ? "" : ",");
        params += v3 ? R"({"name": ")" + name + R"(", "in": "query", "description": ")" +
                           description + R"(", "schema": {"type": "string", "uniqueItems": true}})"
                     : R"({"name": ")" + name + R"(", "in": "query", "description": ")" +
                           description + R"(", "type": "string", "uniqueItems": true})";
    };
    if (writes) {
        param("dryRun", "All: validate and answer without storing.");
        param("fieldManager", "Accepted and ignored.");
        param("fieldValidation", "Strict refuses unknown fields; Ignore and Warn do not.");
    }
    if (!v3 && (body || patch)) {
        params += (params.empty() ? "" : ",");
        params +=
            patch
                ? R"({"name": "body", "in": "body", "required": true, "schema": {"type": "object"}})"
                : R"({"name": "body", "in": "body", "required": true, "schema": {"$ref": ")" + ref +
                      "\"}}";
    }
    std::string out = R"({"operationId": ")" + id + R"(", "tags": [")" + resource.group + "_" +
                      resource.version + R"("], "parameters": [)" + params + "]";
    if (v3 && (body || patch)) {
        out += R"(, "requestBody": {"required": true, "content": {)";
        out +=
            patch
                ? R"("application/json-patch+json": {"schema": {"type": "object"}}, "application/merge-patch+json": {"schema": {"type": "object"}})"
                : R"("application/json": {"schema": {"$ref": ")" + ref + "\"}}";
        out += "}}";
    }
    if (!v3 && patch) {
        out += R"(, "consumes": ["application/json-patch+json", "application/merge-patch+json"])";
    }
    out +=
        v3 ? R"(, "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": {"$ref": ")" +
                 ref + R"("}}}}})"
           : R"(, "produces": ["application/json"], "responses": {"200": {"description": "OK", "schema": {"$ref": ")" +
                 ref + R"("}}})";
    out += R"(, "x-kubernetes-action": ")" + action + R"(", "x-kubernetes-group-version-kind": )" +
           gvk(resource) + "}";
    return out;
}

std::string pathParameters(const ResourceInfo& resource, bool item, bool v3) {
    std::string params;
    auto param = [&](const char* name) {
        params += (params.empty() ? "" : ",");
        params += v3 ? std::string(R"({"name": ")") + name +
                           R"(", "in": "path", "required": true, "schema": {"type": "string"}})"
                     : std::string(R"({"name": ")") + name +
                           R"(", "in": "path", "required": true, "type": "string"})";
    };
    if (resource.namespaced) {
        param("namespace");
    }
    if (item) {
        param("name");
    }
    return "[" + params + "]";
}

std::string pathsOf(const ResourceInfo& resource, bool v3) {
    std::string base = "/apis/" + resource.groupVersion() + "/" +
                       (resource.namespaced ? "namespaces/{namespace}/" : "") + resource.plural;
    std::string prefix = resource.kind;
    std::string collection;
    auto add = [&](std::string& to, const std::string& method, const std::string& op) {
        to += (to.empty() ? "" : ",") + ("\"" + method + "\": ") + op;
    };
    if (resource.allows("list")) {
        add(collection, "get",
            operation(resource, "list" + prefix, "list", v3, false, false, false));
    }
    if (resource.allows("create")) {
        add(collection, "post",
            operation(resource, "create" + prefix, "post", v3, true, false, true));
    }
    if (resource.allows("deletecollection")) {
        add(collection, "delete",
            operation(resource, "deleteCollection" + prefix, "deletecollection", v3, false, false,
                      true));
    }
    std::string item;
    if (resource.allows("get")) {
        add(item, "get", operation(resource, "read" + prefix, "get", v3, false, false, false));
    }
    if (resource.allows("update")) {
        add(item, "put", operation(resource, "replace" + prefix, "put", v3, true, false, true));
    }
    if (resource.allows("patch")) {
        add(item, "patch", operation(resource, "patch" + prefix, "patch", v3, false, true, true));
    } else {
        // Not served (405). Listed because kubectl's validation looks for
        // the kind's PATCH operation to learn that the server validates
        // (fieldValidation); without it kubectl falls back to the protobuf
        // OpenAPI v2, which kiod does not serve, and `kubectl create -f`
        // fails unless --validate=false.
        auto op = operation(resource, "patch" + prefix, "patch", v3, false, true, true);
        op.insert(1, R"("description": "Not served: answers 405 MethodNotAllowed.", )");
        add(item, "patch", op);
    }
    if (resource.allows("delete")) {
        add(item, "delete",
            operation(resource, "delete" + prefix, "delete", v3, false, false, true));
    }
    std::string paths = "\"" + base + "\": {" + collection + R"(, "parameters": )" +
                        pathParameters(resource, false, v3) + "}";
    if (!item.empty()) {
        paths += ",\"" + base + "/{name}\": {" + item + R"(, "parameters": )" +
                 pathParameters(resource, true, v3) + "}";
    }
    if (resource.statusSubresource) {
        std::string status;
        add(status, "get",
            operation(resource, "read" + prefix + "Status", "get", v3, false, false, false));
        add(status, "put",
            operation(resource, "replace" + prefix + "Status", "put", v3, true, false, true));
        add(status, "patch",
            operation(resource, "patch" + prefix + "Status", "patch", v3, false, true, true));
        paths += ",\"" + base + "/{name}/status\": {" + status + R"(, "parameters": )" +
                 pathParameters(resource, true, v3) + "}";
    }
    if (resource.detailsSubresource) {
        std::string details;
        add(details, "get",
            operation(resource, "read" + prefix + "Details", "get", v3, false, false, false));
        paths += ",\"" + base + "/{name}/details\": {" + details + R"(, "parameters": )" +
                 pathParameters(resource, true, v3) + "}";
    }
    return paths;
}

// Parses the assembled text and writes it compact: a check that what is
// served is JSON, at start.
std::string serialize(const rapidjson::Value& value) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    value.Accept(writer);
    return std::string(buffer.GetString(), buffer.GetSize());
}

std::string compact(const std::string& text) {
    rapidjson::Document document;
    document.Parse(text.c_str(), text.size());
    if (document.HasParseError()) {
        throw std::logic_error("OpenApi: malformed document at offset " +
                               std::to_string(document.GetErrorOffset()));
    }
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    document.Accept(writer);
    return std::string(buffer.GetString(), buffer.GetSize());
}

std::string document(const std::vector<const ResourceInfo*>& resources, bool v3) {
    std::string paths;
    std::string schemas = "\"" + std::string(kObjectMeta) + "\": " + kObjectMetaSchema;
    // OpenAPI 3 wraps a reference in allOf to give it a description;
    // kubectl before 1.27 reads only a bare $ref in v2.
    std::string metadata =
        v3 ? R"({"description": "Standard object's metadata.", "allOf": [{"$ref": "REF/)" +
                 std::string(kObjectMeta) + R"("}]})"
           : R"({"$ref": "REF/)" + std::string(kObjectMeta) + R"("})";
    for (const auto* resource : resources) {
        paths += (paths.empty() ? "" : ",") + pathsOf(*resource, v3);
        schemas += ",\"" + definitionName(*resource) +
                   "\": " + replaceAll(kindSchema(*resource), "METADATA", metadata);
    }
    std::string text =
        v3 ? R"({"openapi": "3.0.0", "info": {"title": "kiod", "version": "v1alpha1"}, "paths": {)" +
                 paths + R"(}, "components": {"schemas": {)" + schemas + "}}}"
           : R"({"swagger": "2.0", "info": {"title": "kiod", "version": "v1alpha1"}, "paths": {)" +
                 paths + R"(}, "definitions": {)" + schemas + "}}";
    return compact(replaceAll(text, "REF/", v3 ? "#/components/schemas/" : "#/definitions/"));
}

// Swagger 2.0 for clients that validate on their side (kubectl before
// 1.27): a schema that keeps unknown fields loses its properties, as
// kube-apiserver publishes CRDs in v2, since those clients refuse any field
// a schema with properties does not list.
void pruneOpenSchemas(rapidjson::Value& value) {
    if (value.IsObject()) {
        auto open = value.FindMember("x-kubernetes-preserve-unknown-fields");
        if (open != value.MemberEnd() && open->value.IsTrue()) {
            value.RemoveMember("properties");
            value.RemoveMember("required");
        }
        for (auto& member : value.GetObject()) {
            pruneOpenSchemas(member.value);
        }
    } else if (value.IsArray()) {
        for (auto& item : value.GetArray()) {
            pruneOpenSchemas(item);
        }
    }
}

std::string hashOf(const std::string& text) {
    Poco::SHA1Engine engine;
    engine.update(text);
    return Poco::DigestEngine::digestToHex(engine.digest()).substr(0, 32);
}

}  // namespace

OpenApi::OpenApi(const ResourceTable& table) {
    std::vector<const ResourceInfo*> all;
    for (const auto& resource : table.resources()) {
        all.push_back(&resource);
    }
    rapidjson::Document v2;
    auto v2Text = document(all, false);
    v2.Parse(v2Text.c_str(), v2Text.size());
    pruneOpenSchemas(v2);
    v2_ = serialize(v2);
    v2Protobuf_ = OpenApiProtobuf::encode(v2);
    std::string index;
    for (const auto& group : table.groups()) {
        std::string version;
        for (const auto& resource : table.resources()) {
            if (resource.group == group) {
                version = resource.version;
                break;
            }
        }
        auto doc = document(table.inGroupVersion(group, version), true);
        std::string path = "apis/" + group + "/" + version;
        index += (index.empty() ? "" : ",") + ("\"" + path + "\": ") +
                 R"({"serverRelativeURL": "/openapi/v3/)" + path + "?hash=" + hashOf(doc) + "\"}";
        v3_.emplace(group + "/" + version, std::move(doc));
    }
    v3Index_ = compact(R"({"paths": {)" + index + "}}");
}

std::optional<std::string> OpenApi::v3(std::string_view group, std::string_view version) const {
    auto it = v3_.find(std::string(group) + "/" + std::string(version));
    if (it == v3_.end()) {
        return std::nullopt;
    }
    return it->second;
}

}  // namespace kiod::aggregatedapi
