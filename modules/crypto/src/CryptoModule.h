#pragma once

#include "Keyring.h"
#include "PassphraseSource.h"
#include "Scrypt.h"

#include <kiod/Module.h>

#include <memory>
#include <mutex>
#include <string>

namespace kiod::crypto {

// The crypto module: unlocks the keyring kept in the catalog
// (KeyringStore) with the passphrase from the configuration at start-up,
// and publishes it as KeyService. Locked (no passphrase source, one that
// cannot be read, a wrong passphrase) kiod still starts: the KeyService is
// published all the same and answers Unavailable to every call, and
// /readyz/crypto fails saying why.
class CryptoModule final : public Module {
public:
    std::string name() const override { return "crypto"; }
    std::vector<std::string> dependencies() const override { return {"catalog"}; }
    void configure(ConfigSection& section) override;
    void initialize(ModuleContext& context) override;
    HealthCheck health() const override;

private:
    PassphraseSource passphrase_;
    ScryptParameters scrypt_;

    mutable std::mutex mutex_;
    std::string lockedReason_;  // empty once unlocked
};

}  // namespace kiod::crypto
