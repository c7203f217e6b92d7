#pragma once

#include <kiod/Status.h>
#include <kiod/crypto/KeyAdmin.h>

#include <prometheus/collectable.h>
#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include <array>
#include <functional>

namespace kiod::crypto {

// The crypto module's metrics:
//   kiod_crypto_operations_total{operation, result}: every KeyService call
//     (generate_data_key, unwrap, encrypt, decrypt, rewrap) by outcome (ok,
//     authentication_failed, forbidden, invalid, unavailable, error); a
//     rise in authentication_failed may be someone probing with forgeries
//   kiod_crypto_locked: 1 while the keyring is locked
//   kiod_crypto_key_version{bound}: latest, min_decryption, min_available
//   kiod_crypto_stored_data_keys{key_version}: data keys kept per version
//   kiod_crypto_rewrap_keys{state}: the current pass's total, rewrapped and
//     failed keys; kiod_crypto_rewrap_running 1 while it runs
//   kiod_crypto_passkeys: passkeys that unlock the primary key
// Counters are incremented lock-free; the rest is read at scrape time.
class CryptoMetrics final : public prometheus::Collectable {
public:
    enum class Operation { kGenerateDataKey, kUnwrap, kEncrypt, kDecrypt, kRewrap, kCount };

    // `report` and `passkeys` are asked at each scrape.
    CryptoMetrics(prometheus::Registry& registry, std::function<Result<KeyReport>()> report,
                  std::function<Result<std::size_t>()> passkeys);

    void count(Operation operation, const Status& result);

    std::vector<prometheus::MetricFamily> Collect() const override;

private:
    enum class Outcome {
        kOk,
        kAuthenticationFailed,
        kForbidden,
        kInvalid,
        kUnavailable,
        kError,
        kCount
    };
    static Outcome outcomeOf(const Status& status);

    std::array<std::array<prometheus::Counter*, static_cast<std::size_t>(Outcome::kCount)>,
               static_cast<std::size_t>(Operation::kCount)>
        counters_{};
    std::function<Result<KeyReport>()> report_;
    std::function<Result<std::size_t>()> passkeys_;
};

}  // namespace kiod::crypto
