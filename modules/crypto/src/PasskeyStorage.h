#pragma once

#include "KeyManager.h"
#include "PasskeySourceDirectory.h"
#include "Scrypt.h"

#include <kiod/aggregatedapi/ResourceStorage.h>
#include <kiod/catalog/ObjectStore.h>

#include <Poco/Logger.h>

#include <memory>
#include <string>
#include <vector>

namespace kiod::crypto {

// The keyring's passkeys as the aggregated API serves them:
// vault.kio.kasten.io/v1alpha1 Passkey, cluster scope, one object per
// passkey of the keyring's set, kept in the catalog under
// passkeys.vault.kio.kasten.io (docs/PASSKEYS.md).
//
// The objects and the set change together: create seals the primary key
// under the passkey its spec refers to and stores the object in the same
// catalog transaction (KeyManager::addPasskey), delete removes both
// (KeyManager::removePasskey), so a passkey listed is one that unlocks the
// keyring, and one that unlocks it is listed. An object holds where its
// secret came from, never the secret: not in the object, the log or a
// Status.
//
// Reads go to the catalog and work while the keyring is locked, so that an
// operator can see which passkeys would unlock it; every write answers
// Unavailable (503) until it is unlocked, since adding or removing a
// passkey needs the primary key. Labels and annotations pass through to the
// catalog; the API keeps spec and status as they are on update.
class PasskeyStorage final : public aggregatedapi::ResourceStorage {
public:
    static constexpr const char* kResource = "passkeys.vault.kio.kasten.io";
    // status.state of every passkey object, as K10 8.x words it.
    static constexpr const char* kAddedState = "Added to Catalog";

    PasskeyStorage(std::shared_ptr<catalog::ObjectStore> objects, std::shared_ptr<KeyManager> keys,
                   PasskeySourceDirectory sources, ScryptParameters scrypt, Poco::Logger& logger);

    // Gives each passkey of the set without an object one, its spec
    // `configuration: true`: that is the first start's passkey, which
    // KeyringStore seals before there is a passkey object to write with it.
    // Once unlocked, before the storage is published. The catalog's Status
    // when it cannot be read or written; an object another kiod on the
    // same catalog added meanwhile is left as it is.
    Status addMissingObjects();

    std::vector<std::string> resources() const override { return {kResource}; }
    // PasskeySpec::forCreate's causes.
    std::vector<StatusCause> validateCreate(const catalog::ObjectKey& key,
                                            const std::string& json) const override;

    // Adds the passkey `json`'s spec refers to, as `key.name`. Invalid
    // (first cause) for a spec validateCreate refuses and for a source that
    // cannot be read (PasskeySourceDirectory::read); Unavailable while
    // locked; AlreadyExists for a name taken.
    Result<catalog::StoredObject> create(const catalog::ObjectKey& key,
                                         const std::string& json) override;
    Result<catalog::StoredObject> get(const catalog::ObjectKey& key) override;
    // Unavailable while locked.
    Result<catalog::StoredObject> update(const catalog::ObjectKey& key, const std::string& json,
                                         catalog::Revision expected) override;
    // Conflict for the last passkey, as remove() says it.
    Status validateDelete(const catalog::ObjectKey& key) override;
    // Removes the passkey and its object. Conflict for the last passkey,
    // and when `preconditions` do not hold; Unavailable while locked.
    Result<catalog::StoredObject> remove(const catalog::ObjectKey& key,
                                         const catalog::Preconditions& preconditions) override;
    // One mutation, as the matching call above. Each passkey change
    // rewrites the keyring object, so several cannot share a transaction
    // here: BadRequest for more than one.
    Result<std::vector<catalog::StoredObject>> apply(
        const std::vector<catalog::Mutation>& mutations) override;
    Result<catalog::ListPage> list(const catalog::ListOptions& options) override;
    Result<std::unique_ptr<catalog::Watch>> watch(const catalog::WatchOptions& options) override;
    catalog::Revision currentRevision() const override;

private:
    std::shared_ptr<catalog::ObjectStore> objects_;
    std::shared_ptr<KeyManager> keys_;
    const PasskeySourceDirectory sources_;
    const ScryptParameters scrypt_;
    Poco::Logger& logger_;
};

}  // namespace kiod::crypto
