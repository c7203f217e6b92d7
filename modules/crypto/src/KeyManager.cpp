#include "KeyManager.h"

#include "AesGcm.h"
#include "PasskeySet.h"

namespace kiod::crypto {

KeyManager::KeyManager(catalog::ObjectStore& objects, catalog::WrappedKeyStore& wrappedKeys,
                       ScryptParameters scrypt, RewrapSettings rewrap, Poco::Logger& logger,
                       Rewrapper::ProgressSink progress)
    : keyringStore_(objects, scrypt),
      wrappedKeys_(wrappedKeys),
      logger_(logger),
      keyring_(std::make_shared<Keyring>(KeyringStore::kKeyId)),
      rewrapper_(*keyring_, wrappedKeys, rewrap, logger, std::move(progress)) {}

KeyManager::~KeyManager() {
    rewrapper_.stop();
}

Status KeyManager::requireUnlocked() const {
    return primaryKey_.empty() ? Status::unavailable("the keyring is locked") : Status::ok();
}

Status KeyManager::unlock(const Passkey& passkey) {
    std::lock_guard lock(mutex_);
    if (!primaryKey_.empty()) {
        return Status::conflict("the keyring is already unlocked");
    }
    auto primaryKey = keyringStore_.open(passkey, *keyring_);
    if (!primaryKey) {
        return primaryKey.status();
    }
    primaryKey_ = std::move(primaryKey).value();
    rewrapper_.startAutomatically();
    return Status::ok();
}

bool KeyManager::isUnlocked() {
    std::lock_guard lock(mutex_);
    return !primaryKey_.empty();
}

Result<KeyStatus> KeyManager::rotate() {
    std::lock_guard lock(mutex_);
    if (Status unlocked = requireUnlocked(); !unlocked) {
        return unlocked;
    }
    auto before = keyring_->status();
    if (!before) {
        return before.status();
    }
    auto version = before->latestVersion + 1;
    auto rootKey = SecretBytes::random(AesGcm::kKeySize);
    if (rootKey.empty()) {
        return Status::internal("keyring: the random generator failed");
    }
    auto sealed = KeyringStore::sealRootKey(primaryKey_.view(), version, rootKey.view());
    if (!sealed) {
        return sealed.status();
    }
    auto persisted = keyringStore_.update([&](KeyringObject& object) {
        if (object.latestVersion() != before->latestVersion) {
            return Status::conflict("the keyring was rotated by another kiod on this catalog");
        }
        object.versions.push_back({version, std::move(sealed).value()});
        return Status::ok();
    });
    if (!persisted) {
        return persisted.status();
    }
    if (Status added = keyring_->addVersion(version, std::move(rootKey)); !added) {
        return added;
    }
    logger_.notice("keyring rotated to root key version %u", static_cast<unsigned>(version));
    rewrapper_.startAutomatically();
    return keyring_->status();
}

Status KeyManager::setMinDecryptionVersion(std::uint32_t version) {
    std::lock_guard lock(mutex_);
    if (Status unlocked = requireUnlocked(); !unlocked) {
        return unlocked;
    }
    if (Status checked = keyring_->checkMinDecryptionVersion(version); !checked) {
        return checked;
    }
    auto persisted = keyringStore_.update([&](KeyringObject& object) {
        object.minDecryptionVersion = version;
        return Status::ok();
    });
    if (!persisted) {
        return persisted.status();
    }
    logger_.notice("min_decryption_version set to %u", static_cast<unsigned>(version));
    return keyring_->setMinDecryptionVersion(version);
}

Status KeyManager::trim(std::uint32_t version) {
    std::lock_guard lock(mutex_);
    if (Status unlocked = requireUnlocked(); !unlocked) {
        return unlocked;
    }
    if (Status checked = keyring_->checkTrim(version); !checked) {
        return checked;
    }
    // No key can come to need a version below `version` meanwhile: new and
    // rewrapped keys are sealed under the latest, which is at or above the
    // floor, which checkTrim just kept at or above `version`.
    auto counts = wrappedKeys_.countByVersion();
    if (!counts) {
        return counts.status();
    }
    for (const auto& [sealedUnder, count] : counts.value()) {
        if (sealedUnder < version) {
            return Status::conflict(std::to_string(count) +
                                    " stored data keys are sealed under key version " +
                                    std::to_string(sealedUnder) + ", below " +
                                    std::to_string(version) + ": rewrap them before trimming");
        }
    }
    auto persisted = keyringStore_.update([&](KeyringObject& object) {
        std::erase_if(object.versions,
                      [&](const SealedVersion& sealed) { return sealed.version < version; });
        return Status::ok();
    });
    if (!persisted) {
        return persisted.status();
    }
    logger_.notice("key versions below %u trimmed", static_cast<unsigned>(version));
    return keyring_->trim(version);
}

Status KeyManager::rewrapStoredKeys() {
    std::lock_guard lock(mutex_);
    if (Status unlocked = requireUnlocked(); !unlocked) {
        return unlocked;
    }
    rewrapper_.start();
    return Status::ok();
}

Result<KeyReport> KeyManager::report() {
    auto status = keyring_->status();
    if (!status) {
        return status.status();
    }
    auto counts = wrappedKeys_.countByVersion();
    if (!counts) {
        return counts.status();
    }
    return KeyReport{status.value(), std::move(counts).value(), rewrapper_.progress()};
}

Result<std::vector<catalog::StoredObject>> KeyManager::addPasskey(
    const std::string& name, const Passkey& passkey, const ScryptParameters& scrypt,
    std::vector<catalog::Mutation> alongside) {
    return changePasskeys(
        [&](PasskeySet& passkeys) {
            return passkeys.add(name, passkey, primaryKey_.view(), scrypt);
        },
        std::move(alongside));
}

Result<std::vector<catalog::StoredObject>> KeyManager::removePasskey(
    const std::string& name, std::vector<catalog::Mutation> alongside) {
    return changePasskeys([&](PasskeySet& passkeys) { return passkeys.remove(name); },
                          std::move(alongside));
}

Result<std::vector<catalog::StoredObject>> KeyManager::changePasskeys(
    const std::function<Status(PasskeySet&)>& change, std::vector<catalog::Mutation> alongside) {
    std::lock_guard lock(mutex_);
    if (Status unlocked = requireUnlocked(); !unlocked) {
        return unlocked;
    }
    return keyringStore_.update(
        [&](KeyringObject& object) {
            auto passkeys = PasskeySet::parse(object.passkeys);
            if (!passkeys) {
                return passkeys.status();
            }
            if (Status changed = change(passkeys.value()); !changed) {
                return changed;
            }
            object.passkeys = passkeys->serialize();
            return Status::ok();
        },
        std::move(alongside));
}

Result<PasskeySet> KeyManager::storedPasskeys() {
    auto object = keyringStore_.load();
    if (!object) {
        return object.status();
    }
    return PasskeySet::parse(object->passkeys);
}

Result<std::vector<std::string>> KeyManager::passkeyNames() {
    auto passkeys = storedPasskeys();
    if (!passkeys) {
        return passkeys.status();
    }
    return passkeys->names();
}

Status KeyManager::checkRemovePasskey(const std::string& name) {
    auto passkeys = storedPasskeys();
    if (!passkeys) {
        return passkeys.status();
    }
    return passkeys->checkRemove(name);
}

}  // namespace kiod::crypto
