#pragma once

#include "MetricsRegistryService.h"

#include <kiod/Module.h>

#include <memory>
#include <string>

namespace kiod::metrics {

// Serves Prometheus' text format at [metrics] path on [metrics] listener:
// the families other modules register, per-route HTTP request metrics for
// every listener, the standard process metrics, kiod_build_info and
// kiod_module_up.
class MetricsModule : public Module {
public:
    std::string name() const override { return "metrics"; }
    void configure(ConfigSection& section) override;
    void initialize(ModuleContext& context) override;

private:
    std::string listener_;
    std::string path_;
    std::shared_ptr<MetricsRegistryService> registry_;
    std::vector<std::shared_ptr<prometheus::Collectable>> collectables_;
};

}  // namespace kiod::metrics
