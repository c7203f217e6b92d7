#include "MeteredKeyService.h"

namespace kiod::crypto {

using Operation = CryptoMetrics::Operation;

Result<DataKey> MeteredKeyService::generateDataKey(const Owner& owner) {
    return counted(Operation::kGenerateDataKey, keys_->generateDataKey(owner));
}

Result<Bytes> MeteredKeyService::generateWrappedDataKey(const Owner& owner) {
    return counted(Operation::kGenerateDataKey, keys_->generateWrappedDataKey(owner));
}

Result<SecretBytes> MeteredKeyService::unwrap(ByteView wrapped, const Owner& owner) {
    return counted(Operation::kUnwrap, keys_->unwrap(wrapped, owner));
}

Result<Bytes> MeteredKeyService::encrypt(ByteView plaintext, const Owner& owner) {
    return counted(Operation::kEncrypt, keys_->encrypt(plaintext, owner));
}

Result<Bytes> MeteredKeyService::decrypt(ByteView ciphertext, const Owner& owner) {
    return counted(Operation::kDecrypt, keys_->decrypt(ciphertext, owner));
}

Result<Bytes> MeteredKeyService::rewrap(ByteView sealed, const Owner& owner) {
    return counted(Operation::kRewrap, keys_->rewrap(sealed, owner));
}

}  // namespace kiod::crypto
