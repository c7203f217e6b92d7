#pragma once

#include <kiod/Status.h>
#include <kiod/crypto/Owner.h>
#include <kiod/crypto/SecretBytes.h>

#include <cstdint>
#include <string>

namespace kiod::crypto {

// The message of the one error every failed authentication gives: a
// tampered header, nonce, ciphertext or tag, a truncated or reordered
// stream, the wrong owner, the wrong key. It is deliberately the same for all
// of them, so that a caller probing with forged inputs learns nothing about
// which part it got wrong. Code BadRequest (400).
inline constexpr const char* kAuthenticationFailedMessage = "message authentication failed";

inline Status authenticationFailed() {
    return Status::badRequest(kAuthenticationFailedMessage);
}

inline bool isAuthenticationFailure(const Status& status) {
    return status.code() == StatusCode::kBadRequest &&
           status.message() == kAuthenticationFailedMessage;
}

// The key a wrapped key or ciphertext was sealed under, as its header says.
struct KeyRef {
    std::uint32_t keyId = 0;       // which keyring
    std::uint32_t keyVersion = 0;  // which version of it; versions start at 1
};

// Where a keyring stands. Versions from minAvailableVersion to
// latestVersion are held; those below minDecryptionVersion are refused.
struct KeyStatus {
    std::uint32_t keyId = 0;
    std::uint32_t latestVersion = 0;         // the one that seals
    std::uint32_t minDecryptionVersion = 0;  // the floor: lower versions answer Forbidden
    std::uint32_t minAvailableVersion = 0;   // lower versions were trimmed, for good
};

// A freshly generated data key: use `plaintext` to encrypt, store `wrapped`
// beside the data, and drop `plaintext` (it is wiped) as soon as possible.
struct DataKey {
    SecretBytes plaintext;  // 32 bytes, an AES-256 key
    Bytes wrapped;          // the key sealed under the keyring's latest version
    KeyRef wrappedUnder;
};

// Envelope encryption under a versioned keyring: data keys wrapped by a root
// key version, and small secrets sealed directly. Every output is in the
// format of docs/CRYPTO_FORMAT.md and carries the key id and version it was
// sealed under, so that decrypting never needs them from the caller. The
// caller's Owner is authenticated, never stored: it must be given again,
// byte for byte, to unwrap or decrypt. Thread-safe.
//
// Failures: authenticationFailed() (see above) for anything that does not
// authenticate, including a header that does not parse and a key id this
// keyring does not hold (a trimmed one among them); Forbidden (403) for a
// genuine blob sealed under a version below the decryption floor, naming
// both; Invalid for inputs that are
// wrong whatever the key (an oversized plaintext); Unavailable while no key
// version is loaded (the keyring is locked); Internal when OpenSSL fails.
class KeyService {
public:
    static constexpr const char* kServiceName = "crypto.KeyService";

    // The largest plaintext encrypt() takes; larger payloads go through the
    // segmented stream format.
    static constexpr std::size_t kMaxMessageSize = 64 * 1024 * 1024;

    virtual ~KeyService() = default;

    // A new random 256-bit data key, returned in the clear and wrapped under
    // the latest key version for `owner`.
    virtual Result<DataKey> generateDataKey(const Owner& owner) = 0;

    // A new data key returned only wrapped, for callers that store keys for
    // others to use later and should never see one (Vault's
    // datakey/wrapped, KMS's GenerateDataKeyWithoutPlaintext).
    virtual Result<Bytes> generateWrappedDataKey(const Owner& owner) = 0;

    // The data key inside `wrapped`, which must have been wrapped for
    // exactly `owner`. authenticationFailed() otherwise.
    virtual Result<SecretBytes> unwrap(ByteView wrapped, const Owner& owner) = 0;

    // Seals `plaintext` (at most kMaxMessageSize bytes) under the latest key
    // version, bound to `owner`.
    virtual Result<Bytes> encrypt(ByteView plaintext, const Owner& owner) = 0;

    // The plaintext of an encrypt() output sealed for exactly `owner`.
    virtual Result<Bytes> decrypt(ByteView ciphertext, const Owner& owner) = 0;

    // A wrapped key or ciphertext re-sealed under the latest key version,
    // same owner and kind, without the plaintext leaving this service. A
    // blob already under the latest version gets a fresh nonce all the same.
    virtual Result<Bytes> rewrap(ByteView sealed, const Owner& owner) = 0;

    // The versions held and the floor. Unavailable while locked.
    virtual Result<KeyStatus> status() const = 0;
};

}  // namespace kiod::crypto
