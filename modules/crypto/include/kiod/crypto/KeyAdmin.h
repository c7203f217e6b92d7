#pragma once

#include <kiod/Status.h>
#include <kiod/crypto/KeyService.h>

#include <cstdint>
#include <map>

namespace kiod::crypto {

// How far the background rewrap has moved the stored data keys.
struct RewrapProgress {
    std::uint32_t targetVersion = 0;  // the version keys move to; 0 before the first pass
    bool running = false;
    std::uint64_t total = 0;      // keys below the target when the pass began
    std::uint64_t rewrapped = 0;  // moved by this pass
    // Keys this pass could not open (sealed under a version below the
    // floor, or damaged): left as they are, counted, and named in the log.
    std::uint64_t failed = 0;
};

// Everything an operator needs to decide on the next rotation, floor or
// trim.
struct KeyReport {
    KeyStatus key;
    std::map<std::uint32_t, std::uint64_t> storedKeysByVersion;  // versions with none absent
    RewrapProgress rewrap;
};

// The root keyring's lifecycle, after Vault transit's: rotate to a new
// version, a decryption floor that can be raised and lowered again, and a
// trim that deletes old versions for good. Every change is persisted in the
// catalog before it takes effect, and survives a restart. Thread-safe;
// changes are serialized. Every call answers Unavailable while the keyring
// is locked.
class KeyAdmin {
public:
    static constexpr const char* kServiceName = "crypto.KeyAdmin";

    virtual ~KeyAdmin() = default;

    // Makes a new root key version, which seals everything from now on, and
    // starts a background pass moving the stored data keys to it.
    virtual Result<KeyStatus> rotate() = 0;

    // Refuses (Forbidden) every blob sealed under a lower version from now
    // on. Invalid unless the version is held: from the lowest one not
    // trimmed to the latest.
    virtual Status setMinDecryptionVersion(std::uint32_t version) = 0;

    // Deletes every version below `version`, for good. Invalid above the
    // floor (raise it first); Conflict while a stored data key is still
    // sealed under one of them (rewrap first).
    virtual Status trim(std::uint32_t version) = 0;

    // Starts a rewrap pass now, for instance after lowering the floor so
    // that keys a pass could not open can be moved. A pass also starts by
    // itself after each rotation and at start-up while keys are left behind,
    // unless `[crypto] rewrap.automatic` leaves passes to operators.
    virtual Status rewrapStoredKeys() = 0;

    virtual Result<KeyReport> report() = 0;
};

}  // namespace kiod::crypto
