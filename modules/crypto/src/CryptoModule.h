#pragma once

#include "CryptoHttpService.h"
#include "CryptoMetrics.h"
#include "KeyManager.h"
#include "PasskeySourceDirectory.h"
#include "PassphraseSource.h"
#include "Scrypt.h"

#include <kiod/Module.h>

#include <memory>
#include <mutex>
#include <string>

namespace kiod::crypto {

// The crypto module: unlocks the keyring kept in the catalog
// (KeyManager) with the passphrase from the configuration at start-up, and
// publishes KeyService (the keyring), KeyAdmin (its lifecycle),
// DataKeyStore (data keys kept in the catalog) and the passkeys for the
// aggregated API (PasskeyStorage, a ResourceStorage). Locked (no passphrase
// source, one that cannot be read, a wrong passphrase) kiod still starts:
// the services are published all the same and answer Unavailable to every
// call (passkeys: to every write), and /readyz/crypto fails saying why.
// With `listener` set, the crypto service (CryptoHttpService) answers on
// that listener, which should be the internal one.
class CryptoModule final : public Module {
public:
    std::string name() const override { return "crypto"; }
    std::vector<std::string> dependencies() const override { return {"catalog"}; }
    std::vector<std::string> optionalDependencies() const override { return {"metrics"}; }
    void configure(ConfigSection& section) override;
    void initialize(ModuleContext& context) override;
    void stop() override;
    HealthCheck health() const override;

private:
    PassphraseSource passphrase_;
    PasskeySourceDirectory passkeySources_;
    ScryptParameters scrypt_;
    RewrapSettings rewrap_;
    std::string serviceListener_;  // empty: the HTTP service is off
    std::shared_ptr<KeyManager> keys_;
    std::unique_ptr<CryptoHttpService> service_;
    std::shared_ptr<CryptoMetrics> metrics_;

    mutable std::mutex mutex_;
    std::string lockedReason_;  // empty once unlocked
};

}  // namespace kiod::crypto
