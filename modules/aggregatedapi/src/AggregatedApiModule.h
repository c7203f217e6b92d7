#pragma once

#include "ApiRouter.h"
#include "WatchHandler.h"

#include <kiod/Module.h>

#include <memory>
#include <string>

namespace kiod::aggregatedapi {

// [aggregatedapi]: the Kubernetes aggregated API server over the catalog
// (and over storage other modules publish), on one listener.
class AggregatedApiModule : public Module {
public:
    std::string name() const override { return "aggregatedapi"; }
    // Soft: the catalog is looked up per request (503 while absent); metrics
    // first so that the request metrics can be registered.
    std::vector<std::string> optionalDependencies() const override {
        return {"metrics", "catalog"};
    }
    void configure(ConfigSection& section) override;
    void initialize(ModuleContext& context) override;
    void stop() override;

private:
    std::string listener_;
    std::string platformNamespace_;
    WatchSettings watch_;
    std::unique_ptr<ApiRouter> router_;
};

}  // namespace kiod::aggregatedapi
