#pragma once

#include "AesGcm.h"
#include "EnvelopeHeader.h"

#include <kiod/crypto/KeyService.h>

#include <map>
#include <shared_mutex>

namespace kiod::crypto {

// KeyService over the versions of one root key held in memory: the latest
// version wraps and encrypts, any held version unwraps and decrypts. Where
// the versions come from (unwrapped by the primary key at start-up), their
// persistence, rotation and the decryption floor belong to the crypto
// module that owns a Keyring; this class only holds and uses them.
// Thread-safe.
class Keyring final : public KeyService {
public:
    explicit Keyring(std::uint32_t keyId) : keyId_(keyId) {}

    // Adds a version (from 1) of the root key. Invalid for a key that is not
    // 32 bytes, version 0 or a version already held.
    Status addVersion(std::uint32_t version, SecretBytes key);

    std::uint32_t keyId() const { return keyId_; }
    // 0 while no version is held; every operation then fails Unavailable
    // (the keyring is locked, which says nothing about the blob).
    std::uint32_t latestVersion() const;

    Result<DataKey> generateDataKey(const Owner& owner) override;
    Result<Bytes> generateWrappedDataKey(const Owner& owner) override;
    Result<SecretBytes> unwrap(ByteView wrapped, const Owner& owner) override;
    Result<Bytes> encrypt(ByteView plaintext, const Owner& owner) override;
    Result<Bytes> decrypt(ByteView ciphertext, const Owner& owner) override;
    Result<Bytes> rewrap(ByteView sealed, const Owner& owner) override;

private:
    // The cipher for the latest version, and which it is.
    Result<std::pair<AesGcm, KeyRef>> latest() const;
    // The cipher for the version `sealed` names. authenticationFailed() for
    // another keyring's blob or a version not held: to a caller that is one
    // more way of not authenticating.
    Result<AesGcm> cipherFor(const EnvelopeHeader& header) const;
    // Opens `sealed` of `kind` into a buffer of type Buffer (Bytes or
    // SecretBytes).
    template <class Buffer>
    Result<Buffer> open(ByteView sealed, EnvelopeKind kind, const Owner& owner) const;

    const std::uint32_t keyId_;
    mutable std::shared_mutex mutex_;
    std::map<std::uint32_t, SecretBytes> versions_;
};

}  // namespace kiod::crypto
