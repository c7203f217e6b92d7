#include "KeyringStore.h"

#include "AesGcm.h"
#include "Envelope.h"
#include "KeyringObject.h"
#include "PasskeySet.h"

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

}  // namespace

Result<Bytes> KeyringStore::sealRootKey(ByteView primaryKey, std::uint32_t version,
                                        ByteView rootKey) {
    auto cipher = AesGcm::create(primaryKey);
    if (!cipher) {
        return cipher.status();
    }
    return Envelope::seal(cipher.value(), kPrimaryKeyRef, EnvelopeKind::kWrappedKey, rootKey,
                          rootKeyOwner(version));
}

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
    auto sealed = sealRootKey(primaryKey.view(), 1, rootKey.view());
    if (!sealed) {
        return sealed.status();
    }
    KeyringObject object{passkeys.serialize(), {{1, std::move(sealed).value()}}, 1};
    auto created = store_.create(keyringKey(), object.serialize());
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

Result<SecretBytes> KeyringStore::open(const Passkey& passkey, Keyring& keyring) {
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
    auto object = KeyringObject::parse(stored->json);
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
    if (auto floor = keyring.setMinDecryptionVersion(object->minDecryptionVersion); !floor) {
        return floor;
    }
    return primaryKey;
}

Result<KeyringObject> KeyringStore::load() {
    auto stored = store_.get(keyringKey());
    if (!stored) {
        return stored.status();
    }
    return KeyringObject::parse(stored->json);
}

Result<std::vector<catalog::StoredObject>> KeyringStore::update(
    const Change& change, std::vector<catalog::Mutation> alongside) {
    auto stored = store_.get(keyringKey());
    if (!stored) {
        return stored.status();
    }
    auto object = KeyringObject::parse(stored->json);
    if (!object) {
        return object.status();
    }
    if (Status changed = change(object.value()); !changed) {
        return changed;
    }
    alongside.insert(alongside.begin(), catalog::Mutation::update(keyringKey(), object->serialize(),
                                                                  stored->revision));
    auto applied = store_.apply(alongside);
    if (!applied) {
        return applied.status();
    }
    applied->erase(applied->begin());
    return applied;
}

}  // namespace kiod::crypto
