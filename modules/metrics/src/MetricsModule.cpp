#include "MetricsModule.h"

#include "HttpRequestMetrics.h"
#include "ModuleUpCollector.h"
#include "ProcessCollector.h"

#include <kiod/ConfigSection.h>
#include <kiod/Errors.h>
#include <kiod/ModuleContext.h>
#include <kiod/Version.h>

#include <Poco/ClassLibrary.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <prometheus/gauge.h>
#include <prometheus/text_serializer.h>

#include <sstream>

namespace kiod::metrics {

void MetricsModule::configure(ConfigSection& section) {
    listener_ = section.getListener("listener", "metrics");
    path_ = section.getString("path", "/metrics");
    if (path_.empty() || path_.front() != '/') {
        throw ConfigError(section.fullKey("path") + ": '" + path_ + "' must start with '/'");
    }
}

void MetricsModule::initialize(ModuleContext& context) {
    registry_ = std::make_shared<MetricsRegistryService>();
    auto& registry = registry_->registry();

    prometheus::BuildGauge()
        .Name("kiod_build_info")
        .Help("The version and git revision kiod was built from; always 1.")
        .Register(registry)
        .Add({{"version", kVersion}, {"revision", kRevision}})
        .Set(1);
    context.router().addObserver(std::make_shared<HttpRequestMetrics>(registry));

    collectables_.push_back(std::make_shared<ProcessCollector>());
    if (auto modules = context.services().find<ModuleDirectory>()) {
        collectables_.push_back(std::make_shared<ModuleUpCollector>(modules));
    }
    for (const auto& collectable : collectables_) {
        registry_->addCollectable(collectable);
    }

    context.router().mount(
        listener_, "GET", path_,
        [registry = registry_](RouteRequest&, Poco::Net::HTTPServerResponse& response) {
            std::ostringstream body;
            prometheus::TextSerializer().Serialize(body, registry->collect());
            response.setContentType("text/plain; version=0.0.4; charset=utf-8");
            auto text = body.str();
            response.sendBuffer(text.data(), text.size());
        });

    context.services().publish<MetricsRegistry>(registry_);
}

}  // namespace kiod::metrics

POCO_BEGIN_MANIFEST(kiod::Module)
POCO_EXPORT_CLASS(kiod::metrics::MetricsModule)
POCO_END_MANIFEST
