#pragma once

#include "ApiMetrics.h"
#include "Discovery.h"
#include "OpenApi.h"
#include "ResourceTable.h"
#include "WatchDispatcher.h"
#include "WatchHandler.h"

#include <kiod/Router.h>
#include <kiod/ServiceRegistry.h>

#include <memory>
#include <string>

namespace kiod::aggregatedapi {

// Mounts the aggregated API on a listener and sends each request to its
// handler: discovery, OpenAPI and /version (static, always served), and the
// resource paths
//   /apis/{group}/{version}[/namespaces/{namespace}]/{resource}[/{name}[/{subresource}]]
// resolved against the resource table (404 for unknown resources, 405 for
// verbs a resource does not offer) and against the storage in the registry
// (503 while it is absent).
class ApiRouter {
public:
    ApiRouter(const ResourceTable& table, Services& services, WatchSettings watchSettings,
              std::string platformNamespace, std::shared_ptr<ApiMetrics> metrics);

    void mount(Router& router, const std::string& listener);
    // Ends open watches (kiod is stopping).
    void stop() { watches_.stop(); }

private:
    // `depth`: 0 for a collection path, 1 for an object's, 2 for a
    // subresource's.
    void serveResource(RouteRequest& route, Poco::Net::HTTPServerResponse& response,
                       bool namespacedPath, int depth);

    const ResourceTable& table_;
    Services& services_;
    WatchSettings watchSettings_;
    std::string platformNamespace_;
    std::shared_ptr<ApiMetrics> metrics_;
    Discovery discovery_;
    OpenApi openApi_;
    WatchDispatcher watches_;
};

}  // namespace kiod::aggregatedapi
