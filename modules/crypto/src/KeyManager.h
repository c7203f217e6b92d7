#pragma once

#include "Keyring.h"
#include "KeyringStore.h"
#include "Passkey.h"
#include "PasskeySet.h"
#include "Rewrapper.h"
#include "Scrypt.h"

#include <kiod/catalog/ObjectStore.h>
#include <kiod/catalog/WrappedKeyStore.h>
#include <kiod/crypto/KeyAdmin.h>

#include <Poco/Logger.h>

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace kiod::crypto {

// The keyring's owner in the running crypto module: unlocks it, holds the
// primary key while kiod runs (rotation seals new root key versions under
// it, a new passkey seals it), and makes every change to the keyring in the
// same order: check against the Keyring's rules, persist in the catalog
// (KeyringStore::update), then apply in memory. A change that fails to
// persist changes nothing, and a restart loads exactly what was persisted.
// Changes are serialized by one mutex; encrypting and decrypting never take
// it.
class KeyManager final : public KeyAdmin {
public:
    KeyManager(catalog::ObjectStore& objects, catalog::WrappedKeyStore& wrappedKeys,
               ScryptParameters scrypt, RewrapSettings rewrap, Poco::Logger& logger,
               Rewrapper::ProgressSink progress);
    ~KeyManager() override;

    // Unlocks the keyring with `passkey`, creating it on the first start
    // (KeyringStore::open), and starts a rewrap pass if stored keys were
    // left under older versions (a pass killed by a restart resumes here).
    // Conflict when already unlocked.
    Status unlock(const Passkey& passkey);
    // Whether unlock() has succeeded: changes to the keyring need it.
    bool isUnlocked();

    // The keyring every encryption goes through; locked (every call
    // Unavailable) until unlock() succeeds.
    std::shared_ptr<Keyring> keyring() const { return keyring_; }
    RewrapProgress rewrapProgress() const { return rewrapper_.progress(); }

    Result<KeyStatus> rotate() override;
    Status setMinDecryptionVersion(std::uint32_t version) override;
    Status trim(std::uint32_t version) override;
    Status rewrapStoredKeys() override;
    Result<KeyReport> report() override;

    // Seals the primary key under `passkey` as passkey `name`, persisted
    // with `alongside` in one transaction; returns what `alongside` wrote.
    // PasskeySet::add's failures.
    Result<std::vector<catalog::StoredObject>> addPasskey(const std::string& name,
                                                          const Passkey& passkey,
                                                          const ScryptParameters& scrypt,
                                                          std::vector<catalog::Mutation> alongside);
    // Deletes passkey `name`, persisted with `alongside`. Conflict for the
    // last one.
    Result<std::vector<catalog::StoredObject>> removePasskey(
        const std::string& name, std::vector<catalog::Mutation> alongside);
    Result<std::vector<std::string>> passkeyNames();
    // What removePasskey(name) would answer, without removing (a dry run).
    Status checkRemovePasskey(const std::string& name);

    // Ends the rewrap thread (module stop).
    void stop() { rewrapper_.stop(); }

private:
    // The passkey set as stored now.
    Result<PasskeySet> storedPasskeys();
    // Unavailable unless unlocked; mutex_ held.
    Status requireUnlocked() const;
    // Applies `change` to the stored passkey set and persists it with
    // `alongside`.
    Result<std::vector<catalog::StoredObject>> changePasskeys(
        const std::function<Status(PasskeySet&)>& change, std::vector<catalog::Mutation> alongside);

    KeyringStore keyringStore_;
    catalog::WrappedKeyStore& wrappedKeys_;
    Poco::Logger& logger_;
    const std::shared_ptr<Keyring> keyring_;
    Rewrapper rewrapper_;

    std::mutex mutex_;
    SecretBytes primaryKey_;  // empty while locked
};

}  // namespace kiod::crypto
