#include "PasskeyStorage.h"

#include "PasskeySpec.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <set>

namespace kiod::crypto {

namespace {

Result<rapidjson::Document> parseObject(const std::string& json) {
    rapidjson::Document object;
    object.Parse(json.data(), json.size());
    if (object.HasParseError() || !object.IsObject()) {
        return Status::invalid("passkey object: not a JSON object");
    }
    return object;
}

const rapidjson::Value* specOf(const rapidjson::Document& object) {
    auto spec = object.FindMember("spec");
    return spec == object.MemberEnd() ? nullptr : &spec->value;
}

// `object` as stored: the spec as kiod understood it (nothing else a client
// sent in it) and the status kiod sets. Every passkey object is valid: it
// exists exactly while its record is in the set, and a record, once added,
// unlocks the primary key with its passkey.
std::string storedJson(rapidjson::Document& object, const PasskeySpec& spec) {
    auto& allocator = object.GetAllocator();
    object.RemoveMember("spec");
    object.RemoveMember("status");
    object.AddMember("spec", spec.json(allocator), allocator);
    rapidjson::Value status(rapidjson::kObjectType);
    status.AddMember("valid", true, allocator);
    status.AddMember("state", rapidjson::StringRef(PasskeyStorage::kAddedState), allocator);
    object.AddMember("status", status, allocator);
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    object.Accept(writer);
    return buffer.GetString();
}

Status locked() {
    return Status::unavailable("the keyring is locked: passkeys cannot change");
}

}  // namespace

PasskeyStorage::PasskeyStorage(std::shared_ptr<catalog::ObjectStore> objects,
                               std::shared_ptr<KeyManager> keys, PasskeySourceDirectory sources,
                               ScryptParameters scrypt, Poco::Logger& logger)
    : objects_(std::move(objects)),
      keys_(std::move(keys)),
      sources_(std::move(sources)),
      scrypt_(scrypt),
      logger_(logger) {}

Status PasskeyStorage::addMissingObjects() {
    auto names = keys_->passkeyNames();
    if (!names) {
        return names.status();
    }
    catalog::ListOptions everyPasskey;
    everyPasskey.resource = kResource;
    auto listed = objects_->list(everyPasskey);
    if (!listed) {
        return listed.status();
    }
    std::set<std::string> withObject;
    for (const auto& object : listed->items) {
        withObject.insert(object.key.name);
    }
    for (const auto& name : names.value()) {
        if (withObject.contains(name)) {
            continue;
        }
        rapidjson::Document object(rapidjson::kObjectType);
        auto& allocator = object.GetAllocator();
        rapidjson::Value metadata(rapidjson::kObjectType);
        metadata.AddMember("name", rapidjson::Value(name.c_str(), allocator), allocator);
        object.AddMember("apiVersion", "vault.kio.kasten.io/v1alpha1", allocator);
        object.AddMember("kind", "Passkey", allocator);
        object.AddMember("metadata", metadata, allocator);
        auto created = objects_->create({kResource, "", name},
                                        storedJson(object, PasskeySpec::configuration()));
        if (!created && created.status().code() != StatusCode::kAlreadyExists) {
            return created.status();
        }
        logger_.information("passkey %s: listed as the passkey of kiod's configuration", name);
    }
    return Status::ok();
}

std::vector<StatusCause> PasskeyStorage::validateCreate(const catalog::ObjectKey&,
                                                        const std::string& json) const {
    std::vector<StatusCause> causes;
    auto object = parseObject(json);
    if (!object) {
        causes.push_back({"FieldValueInvalid", object.status().message(), ""});
        return causes;
    }
    PasskeySpec::forCreate(specOf(object.value()), causes);
    return causes;
}

Result<catalog::StoredObject> PasskeyStorage::create(const catalog::ObjectKey& key,
                                                     const std::string& json) {
    auto object = parseObject(json);
    if (!object) {
        return object.status();
    }
    std::vector<StatusCause> causes;
    auto spec = PasskeySpec::forCreate(specOf(object.value()), causes);
    if (!spec) {
        return Status::invalid(causes.front().field + ": " + causes.front().message);
    }
    // Refused before the source is read: a locked keyring cannot take the
    // passkey anyway, and its file is best left unread.
    if (!keys_->isUnlocked()) {
        return locked();
    }
    auto passkey = sources_.read(*spec);
    if (!passkey) {
        return passkey.status();
    }
    auto stored =
        keys_->addPasskey(key.name, passkey.value(), scrypt_,
                          {catalog::Mutation::create(key, storedJson(object.value(), *spec))});
    if (!stored) {
        return stored.status();
    }
    logger_.notice("passkey %s added from %s", key.name, spec->field());
    return stored->front();
}

Result<catalog::StoredObject> PasskeyStorage::get(const catalog::ObjectKey& key) {
    return objects_->get(key);
}

Result<catalog::StoredObject> PasskeyStorage::update(const catalog::ObjectKey& key,
                                                     const std::string& json,
                                                     catalog::Revision expected) {
    if (!keys_->isUnlocked()) {
        return locked();
    }
    return objects_->update(key, json, expected);
}

Status PasskeyStorage::validateDelete(const catalog::ObjectKey& key) {
    return keys_->checkRemovePasskey(key.name);
}

Result<catalog::StoredObject> PasskeyStorage::remove(const catalog::ObjectKey& key,
                                                     const catalog::Preconditions& preconditions) {
    auto removed = keys_->removePasskey(key.name, {catalog::Mutation::remove(key, preconditions)});
    if (!removed) {
        return removed.status();
    }
    logger_.notice("passkey %s deleted", key.name);
    return removed->front();
}

Result<std::vector<catalog::StoredObject>> PasskeyStorage::apply(
    const std::vector<catalog::Mutation>& mutations) {
    if (mutations.size() != 1) {
        return Status::badRequest("passkeys change one at a time");
    }
    const auto& mutation = mutations.front();
    auto applied = [&]() -> Result<catalog::StoredObject> {
        switch (mutation.kind) {
            case catalog::Mutation::Kind::kCreate:
                return create(mutation.key, mutation.json);
            case catalog::Mutation::Kind::kUpdate:
                return update(mutation.key, mutation.json, mutation.expected);
            case catalog::Mutation::Kind::kRemove:
                return remove(mutation.key, mutation.preconditions);
        }
        return Status::internal("passkey storage: unknown mutation");
    }();
    if (!applied) {
        return applied.status();
    }
    return std::vector<catalog::StoredObject>{std::move(applied).value()};
}

Result<catalog::ListPage> PasskeyStorage::list(const catalog::ListOptions& options) {
    return objects_->list(options);
}

Result<std::unique_ptr<catalog::Watch>> PasskeyStorage::watch(
    const catalog::WatchOptions& options) {
    return objects_->watch(options);
}

catalog::Revision PasskeyStorage::currentRevision() const {
    return objects_->currentRevision();
}

}  // namespace kiod::crypto
