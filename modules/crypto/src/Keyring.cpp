#include "Keyring.h"

#include "Envelope.h"

#include <mutex>

namespace kiod::crypto {

namespace {

std::span<std::uint8_t> writable(Bytes& bytes) {
    return bytes;
}
std::span<std::uint8_t> writable(SecretBytes& bytes) {
    return bytes.span();
}

}  // namespace

Status Keyring::addVersion(std::uint32_t version, SecretBytes key) {
    if (key.size() != AesGcm::kKeySize) {
        return Status::invalid("keyring: a root key version must be 32 bytes, not " +
                               std::to_string(key.size()));
    }
    if (version == 0) {
        return Status::invalid("keyring: key versions start at 1");
    }
    std::unique_lock lock(mutex_);
    if (!versions_.try_emplace(version, std::move(key)).second) {
        return Status::alreadyExists("keyring: version " + std::to_string(version) +
                                     " is already held");
    }
    if (minDecryptionVersion_ == 0) {
        minDecryptionVersion_ = version;
    }
    return Status::ok();
}

Status Keyring::setMinDecryptionVersion(std::uint32_t version) {
    std::unique_lock lock(mutex_);
    if (Status checked = checkMinDecryptionVersionLocked(version); !checked) {
        return checked;
    }
    minDecryptionVersion_ = version;
    return Status::ok();
}

Status Keyring::checkMinDecryptionVersion(std::uint32_t version) const {
    std::shared_lock lock(mutex_);
    return checkMinDecryptionVersionLocked(version);
}

Status Keyring::checkMinDecryptionVersionLocked(std::uint32_t version) const {
    if (versions_.empty()) {
        return Status::unavailable("keyring: no root key version is loaded");
    }
    auto lowest = versions_.begin()->first;
    auto latest = versions_.rbegin()->first;
    if (version < lowest || version > latest) {
        return Status::invalid("min_decryption_version " + std::to_string(version) +
                               " is not between the lowest available version " +
                               std::to_string(lowest) + " and the latest version " +
                               std::to_string(latest));
    }
    return Status::ok();
}

Status Keyring::checkTrim(std::uint32_t version) const {
    std::shared_lock lock(mutex_);
    return checkTrimLocked(version);
}

Status Keyring::checkTrimLocked(std::uint32_t version) const {
    if (versions_.empty()) {
        return Status::unavailable("keyring: no root key version is loaded");
    }
    if (version == 0 || version > minDecryptionVersion_) {
        return Status::invalid("min_available_version " + std::to_string(version) +
                               " must be from 1 to the min_decryption_version " +
                               std::to_string(minDecryptionVersion_) +
                               ": raise the floor before trimming");
    }
    return Status::ok();
}

Status Keyring::trim(std::uint32_t version) {
    std::unique_lock lock(mutex_);
    if (Status checked = checkTrimLocked(version); !checked) {
        return checked;
    }
    versions_.erase(versions_.begin(), versions_.lower_bound(version));
    return Status::ok();
}

Result<KeyStatus> Keyring::status() const {
    std::shared_lock lock(mutex_);
    if (versions_.empty()) {
        return Status::unavailable("keyring: no root key version is loaded");
    }
    return KeyStatus{keyId_, versions_.rbegin()->first, minDecryptionVersion_,
                     versions_.begin()->first};
}

std::uint32_t Keyring::latestVersion() const {
    std::shared_lock lock(mutex_);
    return versions_.empty() ? 0 : versions_.rbegin()->first;
}

Result<std::pair<AesGcm, KeyRef>> Keyring::latest() const {
    std::shared_lock lock(mutex_);
    if (versions_.empty()) {
        return Status::unavailable("keyring: no root key version is loaded");
    }
    const auto& [version, key] = *versions_.rbegin();
    auto cipher = AesGcm::create(key.view());
    if (!cipher) {
        return cipher.status();
    }
    return std::pair{std::move(cipher).value(), KeyRef{keyId_, version}};
}

Result<std::pair<AesGcm, bool>> Keyring::cipherFor(const EnvelopeHeader& header) const {
    std::shared_lock lock(mutex_);
    if (versions_.empty()) {
        return Status::unavailable("keyring: no root key version is loaded");
    }
    auto it = versions_.find(header.key.keyVersion);
    if (header.key.keyId != keyId_ || it == versions_.end()) {
        return authenticationFailed();
    }
    auto cipher = AesGcm::create(it->second.view());
    if (!cipher) {
        return cipher.status();
    }
    return std::pair{std::move(cipher).value(), header.key.keyVersion < minDecryptionVersion_};
}

template <class Buffer>
Result<Buffer> Keyring::open(ByteView sealed, EnvelopeKind kind, const Owner& owner) const {
    auto header = Envelope::peek(sealed, kind);
    if (!header) {
        return header.status();
    }
    auto cipher = cipherFor(header.value());
    if (!cipher) {
        return cipher.status();
    }
    auto& [aes, belowFloor] = cipher.value();
    Buffer plaintext(Envelope::plaintextSize(sealed));
    if (Status status = Envelope::open(aes, kind, sealed, owner.encode(), writable(plaintext));
        !status) {
        return status;
    }
    // Refused only once it authenticates, so that a forged header naming
    // an old version still fails like any other forgery, and Forbidden
    // tells the caller something true: this blob is genuine but its key
    // version is no longer allowed.
    if (belowFloor) {
        std::shared_lock lock(mutex_);
        return Status::forbidden("key version " + std::to_string(header->key.keyVersion) +
                                 " is below the min_decryption_version " +
                                 std::to_string(minDecryptionVersion_));
    }
    return plaintext;
}

Result<DataKey> Keyring::generateDataKey(const Owner& owner) {
    SecretBytes plaintext = AesGcm::randomKey();
    if (plaintext.empty()) {
        return Status::internal("keyring: OpenSSL's random generator failed");
    }
    auto cipher = latest();
    if (!cipher) {
        return cipher.status();
    }
    auto& [aes, ref] = cipher.value();
    auto wrapped =
        Envelope::seal(aes, ref, EnvelopeKind::kWrappedKey, plaintext.view(), owner.encode());
    if (!wrapped) {
        return wrapped.status();
    }
    return DataKey{std::move(plaintext), std::move(wrapped).value(), ref};
}

Result<Bytes> Keyring::generateWrappedDataKey(const Owner& owner) {
    auto dataKey = generateDataKey(owner);
    if (!dataKey) {
        return dataKey.status();
    }
    return std::move(dataKey->wrapped);  // the plaintext is wiped on return
}

Result<SecretBytes> Keyring::unwrap(ByteView wrapped, const Owner& owner) {
    return open<SecretBytes>(wrapped, EnvelopeKind::kWrappedKey, owner);
}

Result<Bytes> Keyring::encrypt(ByteView plaintext, const Owner& owner) {
    if (plaintext.size() > kMaxMessageSize) {
        return Status::invalid("encrypt takes at most " + std::to_string(kMaxMessageSize) +
                               " bytes; use the stream format for " +
                               std::to_string(plaintext.size()));
    }
    auto cipher = latest();
    if (!cipher) {
        return cipher.status();
    }
    auto& [aes, ref] = cipher.value();
    return Envelope::seal(aes, ref, EnvelopeKind::kMessage, plaintext, owner.encode());
}

Result<Bytes> Keyring::decrypt(ByteView ciphertext, const Owner& owner) {
    return open<Bytes>(ciphertext, EnvelopeKind::kMessage, owner);
}

Result<Bytes> Keyring::rewrap(ByteView sealed, const Owner& owner) {
    auto header = EnvelopeHeader::parse(sealed);
    if (!header || header->kind == EnvelopeKind::kStream) {
        return authenticationFailed();
    }
    // The plaintext (a data key, or a message) only ever sits in the secure
    // heap between the two seals.
    auto plaintext = open<SecretBytes>(sealed, header->kind, owner);
    if (!plaintext) {
        return plaintext.status();
    }
    auto cipher = latest();
    if (!cipher) {
        return cipher.status();
    }
    auto& [aes, ref] = cipher.value();
    return Envelope::seal(aes, ref, header->kind, plaintext->view(), owner.encode());
}

}  // namespace kiod::crypto
