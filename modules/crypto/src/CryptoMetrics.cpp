#include "CryptoMetrics.h"

#include <prometheus/family.h>

namespace kiod::crypto {

namespace {

constexpr const char* kOperationNames[] = {"generate_data_key", "unwrap", "encrypt", "decrypt",
                                           "rewrap"};
constexpr const char* kOutcomeNames[] = {"ok",      "authentication_failed", "forbidden",
                                         "invalid", "unavailable",           "error"};

prometheus::MetricFamily gaugeFamily(std::string name, std::string help) {
    prometheus::MetricFamily family;
    family.name = std::move(name);
    family.help = std::move(help);
    family.type = prometheus::MetricType::Gauge;
    return family;
}

void addGauge(prometheus::MetricFamily& family, double value,
              std::vector<prometheus::ClientMetric::Label> labels = {}) {
    prometheus::ClientMetric metric;
    metric.label = std::move(labels);
    metric.gauge.value = value;
    family.metric.push_back(std::move(metric));
}

}  // namespace

CryptoMetrics::CryptoMetrics(prometheus::Registry& registry,
                             std::function<Result<KeyReport>()> report,
                             std::function<Result<std::size_t>()> passkeys)
    : report_(std::move(report)), passkeys_(std::move(passkeys)) {
    auto& family = prometheus::BuildCounter()
                       .Name("kiod_crypto_operations_total")
                       .Help("Key service calls by operation and result")
                       .Register(registry);
    for (std::size_t op = 0; op < counters_.size(); ++op) {
        for (std::size_t outcome = 0; outcome < counters_[op].size(); ++outcome) {
            counters_[op][outcome] = &family.Add(
                {{"operation", kOperationNames[op]}, {"result", kOutcomeNames[outcome]}});
        }
    }
}

CryptoMetrics::Outcome CryptoMetrics::outcomeOf(const Status& status) {
    if (status.isOk()) {
        return Outcome::kOk;
    }
    if (isAuthenticationFailure(status)) {
        return Outcome::kAuthenticationFailed;
    }
    switch (status.code()) {
        case StatusCode::kForbidden:
            return Outcome::kForbidden;
        case StatusCode::kInvalid:
        case StatusCode::kBadRequest:
            return Outcome::kInvalid;
        case StatusCode::kUnavailable:
            return Outcome::kUnavailable;
        default:
            return Outcome::kError;
    }
}

void CryptoMetrics::count(Operation operation, const Status& result) {
    counters_[static_cast<std::size_t>(operation)][static_cast<std::size_t>(outcomeOf(result))]
        ->Increment();
}

std::vector<prometheus::MetricFamily> CryptoMetrics::Collect() const {
    std::vector<prometheus::MetricFamily> families;
    auto report = report_();
    auto locked = gaugeFamily("kiod_crypto_locked", "1 while the keyring is locked");
    addGauge(locked, report.isOk() ? 0 : 1);
    families.push_back(std::move(locked));
    if (!report) {
        return families;
    }
    auto versions = gaugeFamily("kiod_crypto_key_version",
                                "The root key's latest version, decryption floor and lowest "
                                "version not trimmed");
    addGauge(versions, report->key.latestVersion, {{"bound", "latest"}});
    addGauge(versions, report->key.minDecryptionVersion, {{"bound", "min_decryption"}});
    addGauge(versions, report->key.minAvailableVersion, {{"bound", "min_available"}});
    families.push_back(std::move(versions));

    auto stored =
        gaugeFamily("kiod_crypto_stored_data_keys",
                    "Data keys kept in the catalog, by the root key version sealing them");
    for (const auto& [version, count] : report->storedKeysByVersion) {
        addGauge(stored, static_cast<double>(count), {{"key_version", std::to_string(version)}});
    }
    families.push_back(std::move(stored));

    const auto& rewrap = report->rewrap;
    auto keys = gaugeFamily("kiod_crypto_rewrap_keys",
                            "The current or last rewrap pass: keys below its target when it "
                            "began, moved, and failed");
    addGauge(keys, static_cast<double>(rewrap.total), {{"state", "total"}});
    addGauge(keys, static_cast<double>(rewrap.rewrapped), {{"state", "rewrapped"}});
    addGauge(keys, static_cast<double>(rewrap.failed), {{"state", "failed"}});
    families.push_back(std::move(keys));
    auto running = gaugeFamily("kiod_crypto_rewrap_running", "1 while a rewrap pass runs");
    addGauge(running, rewrap.running ? 1 : 0);
    families.push_back(std::move(running));

    if (auto passkeys = passkeys_()) {
        auto family = gaugeFamily("kiod_crypto_passkeys", "Passkeys that unlock the primary key");
        addGauge(family, static_cast<double>(passkeys.value()));
        families.push_back(std::move(family));
    }
    return families;
}

}  // namespace kiod::crypto
