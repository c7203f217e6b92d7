#pragma once

#include "CryptoMetrics.h"

#include <kiod/crypto/KeyService.h>

#include <memory>

namespace kiod::crypto {

// The KeyService other modules get from the registry when metrics are on:
// the keyring's, with each call counted by operation and result.
class MeteredKeyService final : public KeyService {
public:
    MeteredKeyService(std::shared_ptr<KeyService> keys, std::shared_ptr<CryptoMetrics> metrics)
        : keys_(std::move(keys)), metrics_(std::move(metrics)) {}

    Result<DataKey> generateDataKey(const Owner& owner) override;
    Result<Bytes> generateWrappedDataKey(const Owner& owner) override;
    Result<SecretBytes> unwrap(ByteView wrapped, const Owner& owner) override;
    Result<Bytes> encrypt(ByteView plaintext, const Owner& owner) override;
    Result<Bytes> decrypt(ByteView ciphertext, const Owner& owner) override;
    Result<Bytes> rewrap(ByteView sealed, const Owner& owner) override;
    Result<KeyStatus> status() const override { return keys_->status(); }

private:
    template <class T>
    Result<T> counted(CryptoMetrics::Operation operation, Result<T> result) {
        metrics_->count(operation, result.status());
        return result;
    }

    std::shared_ptr<KeyService> keys_;
    std::shared_ptr<CryptoMetrics> metrics_;
};

}  // namespace kiod::crypto
