#pragma once

#include <prometheus/collectable.h>
#include <prometheus/registry.h>

#include <memory>

namespace kiod::metrics {

// The Prometheus registry that the metrics module serves at /metrics. A
// module adds its families when the service is there (find<MetricsRegistry>()
// during initialize; list `metrics` in optionalDependencies() so that it is
// initialized first) and runs without metrics when it is not. Thread-safe.
class MetricsRegistry {
public:
    static constexpr const char* kServiceName = "metrics.Registry";

    virtual ~MetricsRegistry() = default;

    // Families registered here appear at the next scrape. Keep the Counter&,
    // Gauge& or Histogram& that Family::Add returns: looking a metric up by
    // labels on every event costs a lock and a hash. A name registered twice
    // with another type throws std::invalid_argument.
    virtual prometheus::Registry& registry() = 0;

    // A source of families computed at scrape time (file sizes, state held
    // elsewhere). Held weakly: it stops being scraped once its owner drops it.
    virtual void addCollectable(std::weak_ptr<prometheus::Collectable> collectable) = 0;
};

}  // namespace kiod::metrics
