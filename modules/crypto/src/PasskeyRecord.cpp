#include "PasskeyRecord.h"

#include "AesGcm.h"
#include "BigEndian.h"
#include "Hkdf.h"

#include <kiod/crypto/KeyService.h>
#include <kiod/crypto/Owner.h>

#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <string>

namespace kiod::crypto {

namespace {

constexpr std::array<std::uint8_t, 4> kMagic = {'K', 'I', 'P', 'K'};
constexpr std::uint8_t kFormatVersion = 1;
// magic | version | kind | kdf | log2 N | r | p | derived key size | salt size
constexpr std::size_t kFixedSize = 18;
constexpr char kKeyFileInfo[] = "kiod.passkey.keyfile.v1";

// How the wrapping key is derived; each passkey kind has exactly one.
enum class Kdf : std::uint8_t {
    kScrypt = 1,
    kHkdfSha256 = 2,
};

Kdf kdfFor(PasskeyKind kind) {
    return kind == PasskeyKind::kPassphrase ? Kdf::kScrypt : Kdf::kHkdfSha256;
}

// A parsed header; the views point into the record.
struct Header {
    PasskeyKind kind = PasskeyKind::kPassphrase;
    ScryptParameters scrypt;
    ByteView salt;
    ByteView nonce;
    ByteView bytes;  // the whole header, nonce included: the first associated data
};

Status malformed(const std::string& what) {
    return Status::invalid("passkey record: " + what);
}

std::size_t recordSize(std::size_t saltSize) {
    return kFixedSize + saltSize + AesGcm::kNonceSize + PasskeyRecord::kPrimaryKeySize +
           AesGcm::kTagSize;
}

Result<Header> parseHeader(ByteView record) {
    if (record.size() < kFixedSize || !std::equal(kMagic.begin(), kMagic.end(), record.begin())) {
        return malformed("not a passkey record (no KIPK header)");
    }
    if (record[4] != kFormatVersion) {
        return malformed("format version " + std::to_string(record[4]) + " is not 1");
    }
    Header header;
    if (record[5] != static_cast<std::uint8_t>(PasskeyKind::kPassphrase) &&
        record[5] != static_cast<std::uint8_t>(PasskeyKind::kKeyFile)) {
        return malformed("unknown passkey kind " + std::to_string(record[5]));
    }
    header.kind = static_cast<PasskeyKind>(record[5]);
    if (record[6] != static_cast<std::uint8_t>(kdfFor(header.kind))) {
        return malformed("KDF " + std::to_string(record[6]) + " does not go with passkey kind " +
                         std::to_string(record[5]));
    }
    if (header.kind == PasskeyKind::kPassphrase) {
        header.scrypt = {record[7], getU32(record, 8), getU32(record, 12)};
        if (Status status = Scrypt::check(header.scrypt); !status) {
            return malformed(status.message());
        }
    } else if (std::any_of(record.begin() + 7, record.begin() + 16,
                           [](std::uint8_t b) { return b != 0; })) {
        return malformed("a key-file record has no scrypt parameters; they must be zero");
    }
    if (record[16] != PasskeyRecord::kDerivedKeySize) {
        return malformed("derived key size " + std::to_string(record[16]) + " is not 32");
    }
    const std::size_t saltSize = record[17];
    if (saltSize < PasskeyRecord::kSaltSize || saltSize > PasskeyRecord::kMaxSaltSize) {
        return malformed("salt size " + std::to_string(saltSize) + " is not 16 to 64");
    }
    if (record.size() != recordSize(saltSize)) {
        return malformed("size " + std::to_string(record.size()) + " is not " +
                         std::to_string(recordSize(saltSize)));
    }
    header.salt = record.subspan(kFixedSize, saltSize);
    header.nonce = record.subspan(kFixedSize + saltSize, AesGcm::kNonceSize);
    header.bytes = record.first(kFixedSize + saltSize + AesGcm::kNonceSize);
    return header;
}

Bytes encodeHeader(PasskeyKind kind, const ScryptParameters& scrypt, ByteView salt,
                   ByteView nonce) {
    Bytes out(kMagic.begin(), kMagic.end());
    out.push_back(kFormatVersion);
    out.push_back(static_cast<std::uint8_t>(kind));
    out.push_back(static_cast<std::uint8_t>(kdfFor(kind)));
    const bool passphrase = kind == PasskeyKind::kPassphrase;
    out.push_back(passphrase ? scrypt.log2N : 0);
    putU32(out, passphrase ? scrypt.r : 0);
    putU32(out, passphrase ? scrypt.p : 0);
    out.push_back(static_cast<std::uint8_t>(PasskeyRecord::kDerivedKeySize));
    out.push_back(static_cast<std::uint8_t>(salt.size()));
    out.insert(out.end(), salt.begin(), salt.end());
    out.insert(out.end(), nonce.begin(), nonce.end());
    return out;
}

// The key that wraps the primary key, derived from the passkey as the
// header says.
Result<SecretBytes> wrappingKey(const Passkey& passkey, const Header& header) {
    SecretBytes key(PasskeyRecord::kDerivedKeySize);
    Status status = header.kind == PasskeyKind::kPassphrase
                        ? Scrypt::derive(passkey.secret(), header.salt, header.scrypt, key.span())
                        : Hkdf::sha256(passkey.secret(), header.salt,
                                       {reinterpret_cast<const std::uint8_t*>(kKeyFileInfo),
                                        sizeof(kKeyFileInfo) - 1},
                                       key.span());
    if (!status) {
        return status;
    }
    return key;
}

// The name is bound through the Owner encoding, whose length prefixes keep
// "ab" and "a" + "b" apart; it is authenticated, never stored in the record.
Bytes nameBinding(std::string_view name) {
    return Owner{"", std::string(name), "passkey"}.encode();
}

}  // namespace

Result<Bytes> PasskeyRecord::seal(const Passkey& passkey, std::string_view name,
                                  ByteView primaryKey, const ScryptParameters& scrypt) {
    if (primaryKey.size() != kPrimaryKeySize) {
        return Status::invalid("passkey record: the primary key must be 32 bytes, not " +
                               std::to_string(primaryKey.size()));
    }
    std::array<std::uint8_t, kSaltSize> salt{};
    std::array<std::uint8_t, AesGcm::kNonceSize> nonce{};
    if (RAND_bytes(salt.data(), static_cast<int>(salt.size())) != 1) {
        return Status::internal("passkey record: OpenSSL's random generator failed");
    }
    if (Status status = AesGcm::randomNonce(nonce); !status) {
        return status;
    }
    Header header;
    header.kind = passkey.kind();
    header.scrypt = scrypt;
    header.salt = salt;
    auto key = wrappingKey(passkey, header);
    if (!key) {
        return key.status();
    }
    auto cipher = AesGcm::create(key->view());
    if (!cipher) {
        return cipher.status();
    }
    Bytes record = encodeHeader(passkey.kind(), scrypt, salt, nonce);
    const std::size_t headerSize = record.size();
    record.resize(headerSize + kPrimaryKeySize + AesGcm::kTagSize);
    std::span<std::uint8_t> out(record);
    Status status =
        cipher->seal(nonce, {out.first(headerSize), nameBinding(name)}, primaryKey,
                     out.subspan(headerSize, kPrimaryKeySize), out.last(AesGcm::kTagSize));
    if (!status) {
        return status;
    }
    return record;
}

Result<SecretBytes> PasskeyRecord::open(ByteView record, std::string_view name,
                                        const Passkey& passkey) {
    auto header = parseHeader(record);
    if (!header) {
        return header.status();
    }
    if (header->kind != passkey.kind()) {
        return wrongPasskey();
    }
    auto key = wrappingKey(passkey, header.value());
    if (!key) {
        return key.status();
    }
    auto cipher = AesGcm::create(key->view());
    if (!cipher) {
        return cipher.status();
    }
    SecretBytes primaryKey(kPrimaryKeySize);
    Status status = cipher->open(header->nonce, {header->bytes, nameBinding(name)},
                                 record.subspan(header->bytes.size(), kPrimaryKeySize),
                                 record.last(AesGcm::kTagSize), primaryKey.span());
    if (isAuthenticationFailure(status)) {
        return wrongPasskey();
    }
    if (!status) {
        return status;
    }
    return primaryKey;
}

Result<PasskeyKind> PasskeyRecord::check(ByteView record) {
    auto header = parseHeader(record);
    if (!header) {
        return header.status();
    }
    return header->kind;
}

}  // namespace kiod::crypto
