#pragma once

#include <kiod/Status.h>
#include <kiod/crypto/Owner.h>
#include <kiod/crypto/SecretBytes.h>

#include <string>

namespace kiod::crypto {

// Data keys that kiod keeps for their users: each generated for an owner,
// stored wrapped in the catalog under a name the caller chooses (a restore
// point's uid and purpose, say), and moved to the latest root key version
// by the background rewrap after a rotation. The caller keeps only the
// name, and states the owner again to open it. Thread-safe.
//
// Failures: AlreadyExists (create) and NotFound (open, remove) for the
// name; the KeyService's for the key itself (authenticationFailed() when
// the owner differs, Forbidden below the floor, Unavailable while locked);
// the catalog's (Overloaded, Unavailable) for storing it.
class DataKeyStore {
public:
    static constexpr const char* kServiceName = "crypto.DataKeyStore";

    virtual ~DataKeyStore() = default;

    // A new data key for `owner`, stored wrapped as `id`; the plaintext is
    // returned once the wrapped key is durable.
    virtual Result<SecretBytes> create(const std::string& id, const Owner& owner) = 0;

    // The data key stored as `id`, which must have been made for `owner`.
    virtual Result<SecretBytes> open(const std::string& id, const Owner& owner) = 0;

    // Forgets the key, and with it whatever it encrypted.
    virtual Status remove(const std::string& id) = 0;
};

}  // namespace kiod::crypto
