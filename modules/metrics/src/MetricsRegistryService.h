#pragma once

#include <kiod/metrics/MetricsRegistry.h>

#include <prometheus/metric_family.h>

#include <memory>
#include <mutex>
#include <vector>

namespace kiod::metrics {

// The MetricsRegistry other modules find in the service registry, and the
// source of every family /metrics serves.
class MetricsRegistryService : public MetricsRegistry {
public:
    prometheus::Registry& registry() override { return *registry_; }
    void addCollectable(std::weak_ptr<prometheus::Collectable> collectable) override;

    // Everything to serve now: the registry's families and every live
    // collectable's, in the order they were added.
    std::vector<prometheus::MetricFamily> collect();

private:
    std::shared_ptr<prometheus::Registry> registry_ = std::make_shared<prometheus::Registry>();
    std::mutex mutex_;
    std::vector<std::weak_ptr<prometheus::Collectable>> collectables_;
};

}  // namespace kiod::metrics
