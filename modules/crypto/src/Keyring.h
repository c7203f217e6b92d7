#pragma once

#include "AesGcm.h"
#include "EnvelopeHeader.h"

#include <kiod/crypto/KeyService.h>

#include <map>
#include <shared_mutex>

namespace kiod::crypto {

// KeyService over the versions of one root key held in memory: the latest
// version wraps and encrypts, any held version from the decryption floor up
// unwraps and decrypts. It enforces the invariants between the versions,
// the floor and trimming (Vault transit's: the floor never above the latest
// version nor below the lowest held one; trim never above the floor). Where
// the versions come from (unsealed by the primary key at start-up or made by
// a rotation) and their persistence belong to the crypto module's
// KeyManager; this class only holds and uses them. Thread-safe: a rotation
// or a floor change is atomic to every concurrent operation.
class Keyring final : public KeyService {
public:
    explicit Keyring(std::uint32_t keyId) : keyId_(keyId) {}

    // Adds a version (from 1) of the root key. Invalid for a key that is not
    // 32 bytes, version 0 or a version already held.
    Status addVersion(std::uint32_t version, SecretBytes key);

    // Refuses blobs sealed under versions below `version`. Invalid unless
    // the version is held (from the lowest held to the latest), as
    // checkMinDecryptionVersion says beforehand.
    Status setMinDecryptionVersion(std::uint32_t version);
    Status checkMinDecryptionVersion(std::uint32_t version) const;
    // Checks what trim(version) would do without doing it: Invalid when
    // `version` is above the floor or the latest version.
    Status checkTrim(std::uint32_t version) const;
    // Drops (and wipes) every version below `version`, for good, as checked
    // by checkTrim.
    Status trim(std::uint32_t version);

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
    Result<KeyStatus> status() const override;

private:
    // The checks with mutex_ held.
    Status checkTrimLocked(std::uint32_t version) const;
    Status checkMinDecryptionVersionLocked(std::uint32_t version) const;
    // The cipher for the latest version, and which it is.
    Result<std::pair<AesGcm, KeyRef>> latest() const;
    // The cipher for the version `sealed` names, and whether that version is
    // below the floor. authenticationFailed() for another keyring's blob or
    // a version not held (trimmed, or never made): to a caller that is one
    // more way of not authenticating.
    Result<std::pair<AesGcm, bool>> cipherFor(const EnvelopeHeader& header) const;
    // Opens `sealed` of `kind` into a buffer of type Buffer (Bytes or
    // SecretBytes).
    template <class Buffer>
    Result<Buffer> open(ByteView sealed, EnvelopeKind kind, const Owner& owner) const;

    const std::uint32_t keyId_;
    mutable std::shared_mutex mutex_;
    std::map<std::uint32_t, SecretBytes> versions_;
    std::uint32_t minDecryptionVersion_ = 0;  // 0: no floor yet (none held)
};

}  // namespace kiod::crypto
