#include "PasskeySet.h"

#include "BigEndian.h"
#include "Hkdf.h"
#include "PasskeyRecord.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <optional>
#include <string>

namespace kiod::crypto {

namespace {

constexpr std::array<std::uint8_t, 4> kMagic = {'K', 'I', 'P', 'S'};
constexpr std::uint8_t kFormatVersion = 1;
constexpr std::size_t kHeaderSize = 4 + 1 + 3 + 32 + 2;  // magic | version | 0 0 0 | check | count
constexpr char kCheckInfo[] = "kiod.primary-key.check.v1";

Status malformed(const std::string& what) {
    return Status::invalid("passkey set: " + what);
}

Status checkName(std::string_view name) {
    if (name.empty() || name.size() > PasskeySet::kMaxNameSize) {
        return Status::invalid("a passkey name must be 1 to " +
                               std::to_string(PasskeySet::kMaxNameSize) + " bytes, not " +
                               std::to_string(name.size()));
    }
    return Status::ok();
}

// Reads the length-prefixed fields of a serialized set, front to back.
class Reader {
public:
    explicit Reader(ByteView bytes) : bytes_(bytes) {}

    // The next u16-length-prefixed field, or nothing when the bytes run out.
    std::optional<ByteView> field() {
        if (bytes_.size() - offset_ < 2) {
            return std::nullopt;
        }
        const std::size_t size = getU16(bytes_, offset_);
        offset_ += 2;
        if (bytes_.size() - offset_ < size) {
            return std::nullopt;
        }
        ByteView out = bytes_.subspan(offset_, size);
        offset_ += size;
        return out;
    }
    bool atEnd() const { return offset_ == bytes_.size(); }
    void skip(std::size_t size) { offset_ += size; }

private:
    ByteView bytes_;
    std::size_t offset_ = 0;
};

}  // namespace

Result<PasskeySet::Check> PasskeySet::checkOf(ByteView primaryKey) {
    Check check{};
    Status status = Hkdf::sha256(
        primaryKey, {}, {reinterpret_cast<const std::uint8_t*>(kCheckInfo), sizeof(kCheckInfo) - 1},
        check);
    if (!status) {
        return status;
    }
    return check;
}

Result<PasskeySet> PasskeySet::parse(ByteView bytes) {
    if (bytes.size() < kHeaderSize || !std::equal(kMagic.begin(), kMagic.end(), bytes.begin())) {
        return malformed("not a passkey set (no KIPS header)");
    }
    if (bytes[4] != kFormatVersion || bytes[5] != 0 || bytes[6] != 0 || bytes[7] != 0) {
        return malformed("format version " + std::to_string(bytes[4]) +
                         " is not 1, or a reserved byte is set");
    }
    PasskeySet set;
    std::copy_n(bytes.begin() + 8, set.check_.size(), set.check_.begin());
    const std::size_t count = getU16(bytes, 40);
    Reader reader(bytes);
    reader.skip(kHeaderSize);
    for (std::size_t i = 0; i < count; ++i) {
        auto name = reader.field();
        auto record = name ? reader.field() : std::nullopt;
        if (!record) {
            return malformed("truncated in passkey " + std::to_string(i + 1) + " of " +
                             std::to_string(count));
        }
        std::string nameText(name->begin(), name->end());
        if (Status status = checkName(nameText); !status) {
            return malformed(status.message());
        }
        if (auto kind = PasskeyRecord::check(*record); !kind) {
            return malformed("passkey " + nameText + ": " + kind.status().message());
        }
        if (!set.records_.emplace(nameText, Bytes(record->begin(), record->end())).second) {
            return malformed("passkey " + nameText + " appears twice");
        }
    }
    if (!reader.atEnd()) {
        return malformed("bytes after the last passkey");
    }
    return set;
}

Bytes PasskeySet::serialize() const {
    Bytes out(kMagic.begin(), kMagic.end());
    out.insert(out.end(), {kFormatVersion, 0, 0, 0});
    out.insert(out.end(), check_.begin(), check_.end());
    putU16(out, static_cast<std::uint16_t>(records_.size()));
    for (const auto& [name, record] : records_) {
        putU16(out, static_cast<std::uint16_t>(name.size()));
        out.insert(out.end(), name.begin(), name.end());
        putU16(out, static_cast<std::uint16_t>(record.size()));
        out.insert(out.end(), record.begin(), record.end());
    }
    return out;
}

Status PasskeySet::add(const std::string& name, const Passkey& passkey, ByteView primaryKey,
                       const ScryptParameters& scrypt) {
    if (Status status = checkName(name); !status) {
        return status;
    }
    if (records_.contains(name)) {
        return Status::alreadyExists("passkey " + name + " already exists");
    }
    auto check = checkOf(primaryKey);
    if (!check) {
        return check.status();
    }
    if (!records_.empty() && CRYPTO_memcmp(check->data(), check_.data(), check_.size()) != 0) {
        return Status::invalid("passkey " + name +
                               ": the key given is not the primary key the other passkeys protect");
    }
    auto record = PasskeyRecord::seal(passkey, name, primaryKey, scrypt);
    if (!record) {
        return record.status();
    }
    check_ = check.value();
    records_.emplace(name, std::move(record).value());
    return Status::ok();
}

Result<SecretBytes> PasskeySet::open(const std::string& name, const Bytes& record,
                                     const Passkey& passkey) const {
    auto primaryKey = PasskeyRecord::open(record, name, passkey);
    if (!primaryKey) {
        return primaryKey.status();
    }
    auto check = checkOf(primaryKey->view());
    if (!check) {
        return check.status();
    }
    if (CRYPTO_memcmp(check->data(), check_.data(), check_.size()) != 0) {
        return Status::invalid("passkey " + name +
                               " opens, but holds another primary key than this set protects");
    }
    return primaryKey;
}

Result<SecretBytes> PasskeySet::unlock(std::string_view name, const Passkey& passkey) const {
    auto it = records_.find(name);
    if (it == records_.end()) {
        return Status::notFound("no passkey named " + std::string(name));
    }
    return open(it->first, it->second, passkey);
}

Result<SecretBytes> PasskeySet::unlock(const Passkey& passkey) const {
    if (records_.empty()) {
        return Status::unavailable("no passkey protects a primary key yet");
    }
    for (const auto& [name, record] : records_) {
        // Records of the other kind cannot open; skipping them saves a
        // derivation, and parse() guaranteed they are well-formed.
        if (PasskeyRecord::check(record).value() != passkey.kind()) {
            continue;
        }
        auto primaryKey = open(name, record, passkey);
        if (primaryKey || !isWrongPasskey(primaryKey.status())) {
            return primaryKey;
        }
    }
    return wrongPasskey();
}

Status PasskeySet::checkRemove(std::string_view name) const {
    if (records_.find(name) == records_.end()) {
        return Status::notFound("no passkey named " + std::string(name));
    }
    if (records_.size() == 1) {
        return Status::conflict("passkey " + std::string(name) +
                                " is the last valid passkey: without it the primary key and "
                                "every key under it would be lost; add another passkey first");
    }
    return Status::ok();
}

Status PasskeySet::remove(std::string_view name) {
    if (Status allowed = checkRemove(name); !allowed) {
        return allowed;
    }
    records_.erase(records_.find(name));
    return Status::ok();
}

std::vector<std::string> PasskeySet::names() const {
    std::vector<std::string> out;
    out.reserve(records_.size());
    for (const auto& [name, record] : records_) {
        out.push_back(name);
    }
    return out;
}

}  // namespace kiod::crypto
