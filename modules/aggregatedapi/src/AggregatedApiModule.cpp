#include "AggregatedApiModule.h"

#include <kiod/ConfigSection.h>
#include <kiod/Errors.h>
#include <kiod/ModuleContext.h>
#include <kiod/aggregatedapi/ObjectNames.h>
#include <kiod/metrics/MetricsRegistry.h>

namespace kiod::aggregatedapi {

void AggregatedApiModule::configure(ConfigSection& section) {
    listener_ = section.getListener("listener", "api");
    platformNamespace_ = section.getString("platform_namespace", "kasten-io");
    if (!dns1123LabelProblem(platformNamespace_).empty()) {
        throw ConfigError(section.fullKey("platform_namespace") + ": '" + platformNamespace_ +
                          "' is not a namespace name (RFC 1123 label)");
    }
    watch_.maxTimeout = std::chrono::duration_cast<std::chrono::seconds>(
        section.getDuration("watch.max_timeout", std::chrono::minutes(30), std::chrono::seconds(1),
                            std::chrono::hours(24)));
    watch_.bookmarkInterval = std::chrono::duration_cast<std::chrono::seconds>(
        section.getDuration("watch.bookmark_interval", std::chrono::minutes(1),
                            std::chrono::seconds(1), std::chrono::hours(1)));
    section.checkNoUnknownKeys();
}

void AggregatedApiModule::initialize(ModuleContext& context) {
    std::shared_ptr<ApiMetrics> metrics;
    if (auto registry = context.services().find<metrics::MetricsRegistry>()) {
        metrics = std::make_shared<ApiMetrics>(registry->registry());
    }
    router_ = std::make_unique<ApiRouter>(ResourceTable::instance(), context.services(), watch_,
                                          platformNamespace_, std::move(metrics));
    router_->mount(context.router(), listener_);
}

void AggregatedApiModule::stop() {
    if (router_) {
        router_->stop();
    }
}

}  // namespace kiod::aggregatedapi
