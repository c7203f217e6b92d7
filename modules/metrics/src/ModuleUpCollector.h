#pragma once

#include <kiod/ModuleDirectory.h>

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <memory>

namespace kiod::metrics {

// kiod_module_up{module}: 1 while the module runs and its readiness check
// passes, 0 otherwise; one series per enabled module, read at scrape time.
class ModuleUpCollector : public prometheus::Collectable {
public:
    explicit ModuleUpCollector(std::shared_ptr<const ModuleDirectory> modules)
        : modules_(std::move(modules)) {}

    std::vector<prometheus::MetricFamily> Collect() const override;

private:
    std::shared_ptr<const ModuleDirectory> modules_;
};

}  // namespace kiod::metrics
