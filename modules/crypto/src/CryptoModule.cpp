#include "CryptoModule.h"

#include "MeteredKeyService.h"
#include "PasskeyStorage.h"
#include "StoredDataKeys.h"

#include <kiod/ConfigSection.h>
#include <kiod/Errors.h>
#include <kiod/ModuleContext.h>
#include <kiod/catalog/ObjectStore.h>
#include <kiod/catalog/WrappedKeyStore.h>
#include <kiod/metrics/MetricsRegistry.h>

#include <Poco/ClassLibrary.h>
#include <Poco/Logger.h>

#include <bit>
#include <cerrno>
#include <cstring>
#include <sys/prctl.h>
#include <sys/resource.h>

namespace kiod::crypto {

namespace {

// The smallest scrypt N `passkey.scrypt_n` accepts: 2^10 costs about a
// millisecond, which keeps tests fast and still needs 1 MiB per guess. Only
// for tests: production keeps the default, OWASP's 2^17.
constexpr int kMinScryptN = 1 << 10;

// A core dump of kiod would hold the primary key and every root key version
// in the clear. Off for the whole process, before any key is in memory:
// RLIMIT_CORE 0 for the kernel's own dumps, and not dumpable for
// systemd-coredump and ptrace by other processes of the same user.
void disableCoreDumps(Poco::Logger& logger) {
    rlimit none{0, 0};
    if (setrlimit(RLIMIT_CORE, &none) != 0) {
        logger.warning("cannot turn off core dumps (setrlimit RLIMIT_CORE): %s",
                       std::string(std::strerror(errno)));
    }
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
        logger.warning("cannot turn off core dumps (prctl PR_SET_DUMPABLE): %s",
                       std::string(std::strerror(errno)));
    }
}

}  // namespace

void CryptoModule::configure(ConfigSection& section) {
    passphrase_ = PassphraseSource::configure(section);
    int n = section.getInt("passkey.scrypt_n", static_cast<int>(ScryptParameters{}.n()),
                           kMinScryptN, 1 << Scrypt::kMaxLog2N);
    if (!std::has_single_bit(static_cast<unsigned>(n))) {
        throw ConfigError(section.fullKey("passkey.scrypt_n") + ": " + std::to_string(n) +
                          " is not a power of two");
    }
    scrypt_.log2N = static_cast<std::uint8_t>(std::countr_zero(static_cast<unsigned>(n)));
    auto sourceDir = section.getString("passkey.source_dir", "");
    if (!sourceDir.empty() && sourceDir.front() != '/') {
        throw ConfigError(section.fullKey("passkey.source_dir") + ": '" + sourceDir +
                          "' is not an absolute path");
    }
    passkeySources_ = PasskeySourceDirectory(sourceDir);
    rewrap_.batchSize = static_cast<std::size_t>(
        section.getInt("rewrap.batch_size", static_cast<int>(rewrap_.batchSize), 1, 100000));
    rewrap_.keysPerSecond =
        static_cast<std::uint64_t>(section.getInt("rewrap.keys_per_second", 0, 0, 100000000));
    rewrap_.automatic = section.getBool("rewrap.automatic", rewrap_.automatic);
    if (section.has("listener")) {
        serviceListener_ = section.getListener("listener", "");
    }
    section.checkNoUnknownKeys();
}

void CryptoModule::initialize(ModuleContext& context) {
    auto& logger = context.logger();
    disableCoreDumps(logger);
    if (!initializeSecureHeap()) {
        logger.warning(
            "OpenSSL's secure heap is not available: keys live in the ordinary "
            "heap (still wiped when freed)");
    }
    auto objects = context.services().require<catalog::ObjectStore>();
    auto wrappedKeys = context.services().require<catalog::WrappedKeyStore>();
    // The manager keeps references to both stores, which the catalog module
    // keeps alive until after this module stops.
    keys_ = std::make_shared<KeyManager>(
        *objects, *wrappedKeys, scrypt_, rewrap_, logger,
        [&context](const std::string& message) { context.reportProgress(message); });

    // Every failure below leaves the module locked, not kiod stopped: the
    // operator fixes the passphrase and restarts, and meanwhile the rest of
    // kiod (the catalog, the API) serves.
    std::string reason;
    auto passkey = passphrase_.read();
    if (!passkey) {
        reason = passkey.status().message();
    } else {
        context.reportProgress("unlocking the keyring");
        if (Status opened = keys_->unlock(passkey.value()); !opened) {
            reason = opened.message();
        }
    }
    auto passkeys =
        std::make_shared<PasskeyStorage>(objects, keys_, passkeySources_, scrypt_, logger);
    if (reason.empty()) {
        logger.information("keyring unlocked: root key version %u",
                           static_cast<unsigned>(keys_->keyring()->latestVersion()));
        // Not a reason to stay locked: the keyring works, only `kubectl get
        // passkeys` misses the passkey until a later start lists it.
        if (Status listed = passkeys->addMissingObjects(); !listed) {
            logger.warning("passkeys: cannot list every passkey as an object: %s",
                           listed.message());
        }
    } else {
        logger.error("keyring locked: %s", reason);
    }
    {
        std::lock_guard lock(mutex_);
        lockedReason_ = reason;
    }
    std::shared_ptr<KeyService> keyService = keys_->keyring();
    if (auto registry = context.services().find<metrics::MetricsRegistry>()) {
        auto keys = keys_;
        metrics_ = std::make_shared<CryptoMetrics>(
            registry->registry(), [keys] { return keys->report(); },
            [keys]() -> Result<std::size_t> {
                auto names = keys->passkeyNames();
                return names ? Result<std::size_t>(names->size()) : names.status();
            });
        registry->addCollectable(metrics_);
        keyService = std::make_shared<MeteredKeyService>(keyService, metrics_);
    }
    auto dataKeys = std::make_shared<StoredDataKeys>(*keyService, *wrappedKeys);
    if (!serviceListener_.empty()) {
        service_ = std::make_unique<CryptoHttpService>(keyService, dataKeys, keys_);
        service_->mount(context.router(), serviceListener_);
    }
    context.services().publish<KeyService>(keyService);
    context.services().publish<KeyAdmin>(keys_);
    context.services().publish<DataKeyStore>(dataKeys);
    context.services().publish<aggregatedapi::ResourceStorage>(passkeys);
}

void CryptoModule::stop() {
    if (keys_) {
        keys_->stop();
    }
}

HealthCheck CryptoModule::health() const {
    std::lock_guard lock(mutex_);
    if (!lockedReason_.empty()) {
        return HealthCheck::failing("the keyring is locked: " + lockedReason_);
    }
    return HealthCheck::passing();
}

}  // namespace kiod::crypto

POCO_BEGIN_MANIFEST(kiod::Module)
POCO_EXPORT_CLASS(kiod::crypto::CryptoModule)
POCO_END_MANIFEST
