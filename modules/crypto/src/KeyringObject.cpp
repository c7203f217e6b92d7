#include "KeyringObject.h"

#include "Base64.h"
#include "KeyringStore.h"

#include <algorithm>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace kiod::crypto {

namespace {

Result<Bytes> base64Field(const rapidjson::Value& value, const std::string& field) {
    if (!value.IsString()) {
        return Status::invalid("keyring object: " + field + " is not a string");
    }
    return Base64::decode({value.GetString(), value.GetStringLength()}, "keyring object: " + field);
}

}  // namespace

std::string KeyringObject::serialize() const {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> json(buffer);
    json.StartObject();
    json.Key("apiVersion");
    json.String("crypto.kiod/v1");
    json.Key("kind");
    json.String("Keyring");
    json.Key("metadata");
    json.StartObject();
    json.Key("name");
    json.String(KeyringStore::kName);
    json.EndObject();
    json.Key("spec");
    json.StartObject();
    json.Key("keyId");
    json.Uint(KeyringStore::kKeyId);
    json.Key("passkeySet");
    json.String(Base64::encode(passkeys).c_str());
    json.Key("minDecryptionVersion");
    json.Uint(minDecryptionVersion);
    json.Key("rootKeyVersions");
    json.StartArray();
    for (const auto& version : versions) {
        json.StartObject();
        json.Key("version");
        json.Uint(version.version);
        json.Key("sealed");
        json.String(Base64::encode(version.sealed).c_str());
        json.EndObject();
    }
    json.EndArray();
    json.EndObject();
    json.EndObject();
    return buffer.GetString();
}

Result<KeyringObject> KeyringObject::parse(const std::string& text) {
    rapidjson::Document document;
    document.Parse(text.data(), text.size());
    if (document.HasParseError() || !document.IsObject() || !document.HasMember("spec") ||
        !document["spec"].IsObject()) {
        return Status::invalid("keyring object: no spec object");
    }
    const auto& spec = document["spec"];
    if (!spec.HasMember("keyId") || !spec["keyId"].IsUint() ||
        spec["keyId"].GetUint() != KeyringStore::kKeyId) {
        return Status::invalid("keyring object: spec.keyId is not " +
                               std::to_string(KeyringStore::kKeyId));
    }
    if (!spec.HasMember("passkeySet") || !spec.HasMember("rootKeyVersions") ||
        !spec["rootKeyVersions"].IsArray()) {
        return Status::invalid("keyring object: spec.passkeySet or spec.rootKeyVersions missing");
    }
    KeyringObject object;
    auto passkeys = base64Field(spec["passkeySet"], "spec.passkeySet");
    if (!passkeys) {
        return passkeys.status();
    }
    object.passkeys = std::move(passkeys).value();
    for (const auto& item : spec["rootKeyVersions"].GetArray()) {
        if (!item.IsObject() || !item.HasMember("version") || !item["version"].IsUint() ||
            item["version"].GetUint() == 0 || !item.HasMember("sealed")) {
            return Status::invalid(
                "keyring object: a spec.rootKeyVersions item has no version "
                "from 1 or no sealed key");
        }
        auto sealed = base64Field(item["sealed"], "spec.rootKeyVersions[].sealed");
        if (!sealed) {
            return sealed.status();
        }
        auto version = item["version"].GetUint();
        if (!object.versions.empty() && object.versions.back().version >= version) {
            return Status::invalid(
                "keyring object: spec.rootKeyVersions is not in ascending order");
        }
        object.versions.push_back({version, std::move(sealed).value()});
    }
    if (object.versions.empty()) {
        return Status::invalid("keyring object: spec.rootKeyVersions is empty");
    }
    // Objects written before the floor existed have none: every version
    // decrypts.
    if (spec.HasMember("minDecryptionVersion")) {
        const auto& floor = spec["minDecryptionVersion"];
        if (!floor.IsUint() || floor.GetUint() < object.minAvailableVersion() ||
            floor.GetUint() > object.latestVersion()) {
            return Status::invalid(
                "keyring object: spec.minDecryptionVersion is not between the lowest and "
                "the latest root key version");
        }
        object.minDecryptionVersion = floor.GetUint();
    } else {
        object.minDecryptionVersion = object.minAvailableVersion();
    }
    return object;
}

}  // namespace kiod::crypto
