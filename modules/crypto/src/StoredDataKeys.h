#pragma once

#include <kiod/catalog/WrappedKeyStore.h>
#include <kiod/crypto/DataKeyStore.h>
#include <kiod/crypto/KeyService.h>

namespace kiod::crypto {

// DataKeyStore over the catalog's wrapped keys collection: a key is
// generated and wrapped by the KeyService and stored with its owner (as
// OwnerJson) and version, which is what the Rewrapper and trim's reference
// check read.
class StoredDataKeys final : public DataKeyStore {
public:
    StoredDataKeys(KeyService& keys, catalog::WrappedKeyStore& store)
        : keys_(keys), store_(store) {}

    Result<SecretBytes> create(const std::string& id, const Owner& owner) override;
    Result<SecretBytes> open(const std::string& id, const Owner& owner) override;
    Status remove(const std::string& id) override;

private:
    KeyService& keys_;
    catalog::WrappedKeyStore& store_;
};

}  // namespace kiod::crypto
