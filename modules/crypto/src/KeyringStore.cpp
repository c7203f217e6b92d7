#include "KeyringStore.h"

#include "AesGcm.h"
#include "Envelope.h"
#include "PasskeySet.h"

#include <Poco/Base64Decoder.h>
#include <Poco/Base64Encoder.h>
#include <Poco/Exception.h>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <sstream>
#include <vector>

namespace kiod::crypto {

namespace {

// The primary key as the envelope header of a sealed root key version names
// it: key id 0 is no keyring's, so such a blob can never be mistaken for
// (or opened as) a data key wrapped by the keyring itself.
constexpr KeyRef kPrimaryKeyRef{0, 1};

catalog::ObjectKey keyringKey() {
    return {KeyringStore::kResource, "", KeyringStore::kName};
}

// What a sealed root key version is bound to: which version of which
// keyring, so that a version copied over another in the object (or into
// another keyring's list) fails authentication instead of loading as the
// wrong version.
Bytes rootKeyOwner(std::uint32_t version) {
    return Owner{"",
                 std::string(KeyringStore::kResource) + "/" + KeyringStore::kName + "/" +
                     std::to_string(version),
                 "root-key"}
        .encode();
}

std::string toBase64(ByteView bytes) {
    std::ostringstream out;
    Poco::Base64Encoder encoder(out);
    encoder.rdbuf()->setLineLength(0);
    encoder.write(reinterpret_cast<const char*>(bytes.data()),
                  static_cast<std::streamsize>(bytes.size()));
    encoder.close();
    return out.str();
}

Result<Bytes> fromBase64(const rapidjson::Value& value, const std::string& field) {
    if (!value.IsString()) {
        return Status::invalid("keyring object: " + field + " is not a string");
    }
    std::istringstream in(std::string(value.GetString(), value.GetStringLength()));
    Poco::Base64Decoder decoder(in);
    try {
        return Bytes(std::istreambuf_iterator<char>(decoder), std::istreambuf_iterator<char>());
    } catch (const Poco::Exception&) {
        return Status::invalid("keyring object: " + field + " is not base64");
    }
}

struct SealedVersion {
    std::uint32_t version = 0;
    Bytes sealed;
};

struct KeyringObject {
    Bytes passkeys;
    std::vector<SealedVersion> versions;
};

std::string serialize(const KeyringObject& object) {
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
    json.String(toBase64(object.passkeys).c_str());
    json.Key("rootKeyVersions");
    json.StartArray();
    for (const auto& version : object.versions) {
        json.StartObject();
        json.Key("version");
        json.Uint(version.version);
        json.Key("sealed");
        json.String(toBase64(version.sealed).c_str());
        json.EndObject();
    }
    json.EndArray();
    json.EndObject();
    json.EndObject();
    return buffer.GetString();
}

Result<KeyringObject> parse(const std::string& text) {
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
    auto passkeys = fromBase64(spec["passkeySet"], "spec.passkeySet");
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
        auto sealed = fromBase64(item["sealed"], "spec.rootKeyVersions[].sealed");
        if (!sealed) {
            return sealed.status();
        }
        auto version = item["version"].GetUint();
        for (const auto& seen : object.versions) {
            if (seen.version == version) {
                return Status::invalid("keyring object: root key version " +
                                       std::to_string(version) + " appears twice");
            }
        }
        object.versions.push_back({version, std::move(sealed).value()});
    }
    if (object.versions.empty()) {
        return Status::invalid("keyring object: spec.rootKeyVersions is empty");
    }
    return object;
}

}  // namespace

Result<SecretBytes> KeyringStore::create(const Passkey& passkey) {
    auto primaryKey = SecretBytes::random(AesGcm::kKeySize);
    auto rootKey = SecretBytes::random(AesGcm::kKeySize);
    if (primaryKey.empty() || rootKey.empty()) {
        return Status::internal("keyring: the random generator failed");
    }
    PasskeySet passkeys;
    if (auto added = passkeys.add(kFirstPasskeyName, passkey, primaryKey.view(), scrypt_); !added) {
        return added;
    }
    auto cipher = AesGcm::create(primaryKey.view());
    if (!cipher) {
        return cipher.status();
    }
    auto sealed = Envelope::seal(cipher.value(), kPrimaryKeyRef, EnvelopeKind::kWrappedKey,
                                 rootKey.view(), rootKeyOwner(1));
    if (!sealed) {
        return sealed.status();
    }
    KeyringObject object{passkeys.serialize(), {{1, std::move(sealed).value()}}};
    auto created = store_.create(keyringKey(), serialize(object));
    // AlreadyExists: another start created the keyring between our get and
    // this create; its keyring is the one, and open() unlocks it instead.
    if (!created && created.status().code() == StatusCode::kAlreadyExists) {
        return SecretBytes();
    }
    if (!created) {
        return created.status();
    }
    return primaryKey;
}

Status KeyringStore::open(const Passkey& passkey, Keyring& keyring) {
    auto stored = store_.get(keyringKey());
    // The primary key this start created, so that the first start does not
    // pay a second scrypt derivation to unlock what it has just sealed.
    SecretBytes created;
    if (!stored && stored.status().code() == StatusCode::kNotFound) {
        auto primaryKey = create(passkey);
        if (!primaryKey) {
            return primaryKey.status();
        }
        created = std::move(primaryKey).value();
        stored = store_.get(keyringKey());
    }
    if (!stored) {
        return stored.status();
    }
    auto object = parse(stored->json);
    if (!object) {
        return object.status();
    }
    auto passkeys = PasskeySet::parse(object->passkeys);
    if (!passkeys) {
        return passkeys.status();
    }
    auto primaryKey = created.empty() ? passkeys->unlock(passkey) : std::move(created);
    if (!primaryKey) {
        return primaryKey.status();
    }
    auto cipher = AesGcm::create(primaryKey->view());
    if (!cipher) {
        return cipher.status();
    }
    // Every version is opened before any is added, so that a keyring
    // object with one bad version leaves `keyring` locked, not half loaded.
    std::vector<std::pair<std::uint32_t, SecretBytes>> rootKeys;
    for (const auto& [version, sealed] : object->versions) {
        SecretBytes rootKey(Envelope::plaintextSize(sealed));
        if (auto opened = Envelope::open(cipher.value(), EnvelopeKind::kWrappedKey, sealed,
                                         rootKeyOwner(version), rootKey.span());
            !opened || rootKey.size() != AesGcm::kKeySize) {
            // The passkey opened the primary key, so this is a version that
            // was tampered with or moved: say which, not just "failed".
            return Status::invalid("keyring object: root key version " + std::to_string(version) +
                                   " does not authenticate");
        }
        rootKeys.emplace_back(version, std::move(rootKey));
    }
    for (auto& [version, rootKey] : rootKeys) {
        if (auto added = keyring.addVersion(version, std::move(rootKey)); !added) {
            return added;
        }
    }
    return Status::ok();
}

}  // namespace kiod::crypto
