#include "ModuleUpCollector.h"

namespace kiod::metrics {

std::vector<prometheus::MetricFamily> ModuleUpCollector::Collect() const {
    prometheus::MetricFamily family{"kiod_module_up",
                                    "Whether the module is running and ready (1) or not (0).",
                                    prometheus::MetricType::Gauge,
                                    {}};
    for (const auto& module : modules_->modules()) {
        prometheus::ClientMetric metric;
        metric.label = {{"module", module.name}};
        metric.gauge.value = module.running && module.health.ok ? 1 : 0;
        family.metric.push_back(std::move(metric));
    }
    return {family};
}

}  // namespace kiod::metrics
