#include "StoredDataKeys.h"

#include "OwnerJson.h"

namespace kiod::crypto {

Result<SecretBytes> StoredDataKeys::create(const std::string& id, const Owner& owner) {
    auto dataKey = keys_.generateDataKey(owner);
    if (!dataKey) {
        return dataKey.status();
    }
    catalog::WrappedKey stored;
    stored.id = id;
    stored.owner = OwnerJson::serialize(owner);
    stored.keyVersion = dataKey->wrappedUnder.keyVersion;
    stored.wrapped = std::move(dataKey->wrapped);
    if (Status put = store_.put(stored); !put) {
        return put;
    }
    return std::move(dataKey->plaintext);
}

Result<SecretBytes> StoredDataKeys::open(const std::string& id, const Owner& owner) {
    auto stored = store_.get(id);
    if (!stored) {
        return stored.status();
    }
    return keys_.unwrap(stored->wrapped, owner);
}

Status StoredDataKeys::remove(const std::string& id) {
    return store_.remove(id);
}

}  // namespace kiod::crypto
