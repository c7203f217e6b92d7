#pragma once

#include <kiod/StatusResponse.h>
#include <kiod/catalog/ObjectStore.h>

#include <string>
#include <vector>

namespace kiod::aggregatedapi {

// Storage for kinds that a module other than the catalog owns (the crypto
// module's passkeys, vault.kio.kasten.io). The module publishes it in the
// registry (`services().publish<ResourceStorage>(...)`); the aggregated API
// looks it up on every request, so the kinds answer 503 ServiceUnavailable
// while no module offers them, as the catalog's kinds do without the catalog.
//
// The contract is the catalog's ObjectStore, object for object: the same
// keys (`resource` is `plural.group`), the same server-set metadata, the same
// failures (NotFound, AlreadyExists, Conflict, Invalid, Expired, Overloaded,
// Unavailable), so the API treats both alike. The API validates requests
// against its own table of resources (names, metadata, spec an object),
// then asks the storage about the rest (validateCreate), before calling it.
class ResourceStorage : public catalog::ObjectStore {
public:
    static constexpr const char* kServiceName = "aggregatedapi.ResourceStorage";

    // The resources (`passkeys.vault.kio.kasten.io`) this storage serves.
    virtual std::vector<std::string> resources() const = 0;

    // What is wrong with `json`, an object about to be created as `key`
    // that passed the API's own rules: one cause per field (`spec.secret.name`),
    // as kube-apiserver's validation reports them; empty when nothing is.
    // The API answers 422 Invalid with them, dry runs included, without
    // calling create. Only the spec's shape: what needs more than the
    // object (a file to read, the keyring unlocked) is create's to refuse.
    virtual std::vector<StatusCause> validateCreate(const catalog::ObjectKey& key,
                                                    const std::string& json) const = 0;

    // What remove(key) would refuse beyond the object's absence and the
    // preconditions, which the API checks itself: a dry-run delete answers
    // with it, so that it refuses what the real one would.
    virtual Status validateDelete(const catalog::ObjectKey& key) = 0;
};

}  // namespace kiod::aggregatedapi
