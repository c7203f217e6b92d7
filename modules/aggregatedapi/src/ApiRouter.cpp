#include "ApiRouter.h"

#include "ApiRequest.h"
#include "ListHandler.h"
#include "ObjectHandler.h"

#include <kiod/StatusResponse.h>
#include <kiod/aggregatedapi/ResourceStorage.h>

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <algorithm>
#include <chrono>

namespace kiod::aggregatedapi {

namespace {

void sendJson(Poco::Net::HTTPServerResponse& response, const std::string& json) {
    std::string body = json + "\n";
    response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_OK);
    response.setContentType("application/json");
    response.sendBuffer(body.data(), body.size());
}

// Whether the gnostic protobuf type comes before JSON in `accept`.
bool prefersProtobuf(const std::string& accept) {
    auto protobuf = accept.find("application/com.github.proto-openapi.spec.v2");
    auto json = std::min(accept.find("application/json"), accept.find("*/*"));
    return protobuf != std::string::npos && protobuf < json;
}

// Whether the `watch` query parameter asks for a watch, as kube-apiserver
// reads it.
bool asksToWatch(std::string_view watch) {
    return watch == "true" || watch == "1";
}

// The kube verb of a request, for metrics and 405 messages.
std::string kubeVerb(const std::string& method, bool named, bool watch) {
    if (method == "GET" || method == "HEAD") {
        return named ? "GET" : (watch ? "WATCH" : "LIST");
    }
    if (method == "DELETE") {
        return named ? "DELETE" : "DELETECOLLECTION";
    }
    return method;
}

}  // namespace

ApiRouter::ApiRouter(const ResourceTable& table, Services& services, WatchSettings watchSettings,
                     std::string platformNamespace, std::shared_ptr<ApiMetrics> metrics)
    : table_(table),
      services_(services),
      watchSettings_(watchSettings),
      platformNamespace_(std::move(platformNamespace)),
      metrics_(std::move(metrics)),
      discovery_(table),
      openApi_(table),
      watches_(metrics_.get()) {}

void ApiRouter::mount(Router& router, const std::string& listener) {
    using Poco::Net::HTTPServerResponse;
    // Static documents never block: served on the event loop.
    auto fast = Execution::kEventLoop;
    // An aggregated server has no core group: 404, which clients tolerate.
    router.mount(
        listener, "GET", "/api",
        [](RouteRequest&, HTTPServerResponse& response) {
            sendStatus(response, 404, "NotFound",
                       "the server could not find the requested resource");
        },
        fast);
    router.mount(
        listener, "GET", "/apis",
        [this](RouteRequest&, HTTPServerResponse& response) {
            sendJson(response, discovery_.groupList());
        },
        fast);
    router.mount(
        listener, "GET", "/apis/{group}",
        [this](RouteRequest& request, HTTPServerResponse& response) {
            auto found = discovery_.group(request.param("group"));
            found ? sendJson(response, *found) : ApiError::notFoundPath().send(response);
        },
        fast);
    router.mount(
        listener, "GET", "/apis/{group}/{version}",
        [this](RouteRequest& request, HTTPServerResponse& response) {
            auto found = discovery_.resourceList(request.param("group"), request.param("version"));
            found ? sendJson(response, *found) : ApiError::notFoundPath().send(response);
        },
        fast);
    router.mount(
        listener, "GET", "/version",
        [](RouteRequest&, HTTPServerResponse& response) {
            sendJson(response, Discovery::version());
        },
        fast);
    router.mount(
        listener, "GET", "/openapi/v2",
        [this](RouteRequest& request, HTTPServerResponse& response) {
            // kubectl asks for protobuf (JSON would fail to decode in it);
            // kube-apiserver's aggregator for JSON.
            if (prefersProtobuf(request.http().get("Accept", ""))) {
                const auto& body = openApi_.v2Protobuf();
                response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_OK);
                response.setContentType(OpenApi::kProtobufType);
                response.sendBuffer(body.data(), body.size());
                return;
            }
            sendJson(response, openApi_.v2());
        },
        fast);
    router.mount(
        listener, "GET", "/openapi/v3",
        [this](RouteRequest&, HTTPServerResponse& response) {
            sendJson(response, openApi_.v3Index());
        },
        fast);
    router.mount(
        listener, "GET", "/openapi/v3/apis/{group}/{version}",
        [this](RouteRequest& request, HTTPServerResponse& response) {
            auto found = openApi_.v3(request.param("group"), request.param("version"));
            found ? sendJson(response, *found) : ApiError::notFoundPath().send(response);
        },
        fast);

    // The resource paths, each pattern knowing which parameters it has.
    struct ResourcePattern {
        const char* pattern;
        bool namespaced;
        int depth;  // 0: collection, 1: object, 2: subresource
    };
    // A list page only reads the catalog: the compute threads build pages
    // one after another, where workers would build them all at once on the
    // same cores and finish each late (p99 of a page, docs/BENCHMARKS.md).
    // A watch waits for its client while it sends its opening: a worker.
    const ExecutionSelector listOrWatch = [](const PathParameters&, const QueryParameters& query) {
        auto watch = query.find("watch");
        return watch != query.end() && asksToWatch(watch->second) ? Execution::kWorker
                                                                  : Execution::kCompute;
    };
    // A create of a catalog kind that is only stored (not a CancelAction,
    // which changes another object, nor a restore point, which binds its
    // content) leaves its answer to the catalog's commit: it runs on the
    // event loop, where no thread waits for the commit (RouteRequest::defer).
    // The others may wait: a worker.
    const ExecutionSelector createsWhere = [this](const PathParameters& path,
                                                  const QueryParameters&) {
        const auto* resource =
            table_.find(pathParameter(path, "group"), pathParameter(path, "version"),
                        pathParameter(path, "resource"));
        bool storedOnly = resource && resource->backend == Backend::kCatalog &&
                          resource->family != KindFamily::kCancelAction &&
                          resource->family != KindFamily::kRestorePoint;
        return storedOnly ? Execution::kEventLoop : Execution::kWorker;
    };
    const ResourcePattern patterns[] = {
        {"/apis/{group}/{version}/{resource}", false, 0},
        {"/apis/{group}/{version}/{resource}/{name}", false, 1},
        {"/apis/{group}/{version}/{resource}/{name}/{subresource}", false, 2},
        {"/apis/{group}/{version}/namespaces/{namespace}/{resource}", true, 0},
        {"/apis/{group}/{version}/namespaces/{namespace}/{resource}/{name}", true, 1},
        {"/apis/{group}/{version}/namespaces/{namespace}/{resource}/{name}/{subresource}", true, 2},
    };
    for (const std::string method : {"GET", "POST", "PUT", "PATCH", "DELETE"}) {
        for (const auto& shape : patterns) {
            RouteHandler handler = [this, shape](RouteRequest& request,
                                                 HTTPServerResponse& response) {
                serveResource(request, response, shape.namespaced, shape.depth);
            };
            if (method == "GET" && shape.depth == 0) {
                router.mount(listener, method, shape.pattern, std::move(handler), listOrWatch);
                continue;
            }
            if (method == "POST" && shape.depth == 0) {
                router.mount(listener, method, shape.pattern, std::move(handler), createsWhere);
                continue;
            }
            // A GET of one object (or its details) is one indexed read of
            // the catalog, mapped or in the page cache: served on the event
            // loop, it saves the two thread switches a worker costs, a third
            // of such a request's time. Writes wait for a commit: workers.
            router.mount(listener, method, shape.pattern, std::move(handler),
                         method == "GET" ? Execution::kEventLoop : Execution::kWorker);
        }
    }
}

void ApiRouter::serveResource(RouteRequest& route, Poco::Net::HTTPServerResponse& response,
                              bool namespacedPath, int depth) {
    auto started = std::chrono::steady_clock::now();
    const auto* resource =
        table_.find(route.param("group"), route.param("version"), route.param("resource"));
    std::string ns = namespacedPath ? route.param("namespace") : "";
    std::string name;
    std::string subresource;
    if (depth >= 1) {
        name = route.param("name");
    }
    if (depth >= 2) {
        subresource = route.param("subresource");
    }
    const std::string& method = route.http().getMethod();
    bool watch = asksToWatch(route.query("watch").value_or(""));
    ApiMetrics::Request labels;
    labels.verb = kubeVerb(method, !name.empty(), watch);
    labels.group = route.param("group");
    labels.version = route.param("version");
    labels.resource = resource ? resource->plural : "";
    labels.subresource = subresource;
    labels.scope = !name.empty() || method == "POST" ? "resource"
                   : namespacedPath                  ? "namespace"
                                                     : "cluster";
    // Watches are long-running: counted as open watches, not in flight,
    // as kube-apiserver counts them.
    bool inflight = !watch || method != "GET";
    if (metrics_ && inflight) {
        metrics_->started();
    }
    struct Finish {
        ApiMetrics* metrics;
        bool inflight;
        ApiMetrics::Request& labels;
        Poco::Net::HTTPServerResponse& response;
        std::chrono::steady_clock::time_point started;
        std::shared_ptr<DeferredResponse> deferred;  // the handler's answer comes later
        ~Finish() {
            if (!metrics) {
                return;
            }
            auto record = [metrics = metrics, labels = labels, started = started,
                           inflight = inflight](int status) {
                metrics->finished(labels, status, std::chrono::steady_clock::now() - started,
                                  inflight);
            };
            if (deferred) {
                deferred->whenAnswered(std::move(record));
            } else {
                record(static_cast<int>(response.getStatus()));
            }
        }
    } finish{metrics_.get(), inflight, labels, response, started, nullptr};

    if (!resource || (namespacedPath && !resource->namespaced) ||
        (!namespacedPath && resource->namespaced && !name.empty()) ||
        (!subresource.empty() && !((subresource == "status" && resource->statusSubresource) ||
                                   (subresource == "details" && resource->detailsSubresource)))) {
        labels.resource.clear();
        ApiError::notFoundPath().send(response);
        return;
    }

    // The verb as discovery names it, checked against what the resource offers.
    std::string verb;
    if (method == "GET" || method == "HEAD") {
        verb = name.empty() ? (watch ? "watch" : "list") : "get";
    } else if (method == "POST") {
        verb = name.empty() ? "create" : "";
    } else if (method == "PUT") {
        verb = name.empty() ? "" : "update";
    } else if (method == "PATCH") {
        verb = name.empty() ? "" : "patch";
    } else if (method == "DELETE") {
        verb = name.empty() ? "deletecollection" : (subresource.empty() ? "delete" : "");
    }
    bool allowed = !verb.empty() && (subresource.empty() ? resource->allows(verb)
                                     : subresource == "status"
                                         ? (verb == "get" || verb == "update" || verb == "patch")
                                         : verb == "get");
    if (!allowed) {
        std::string what = verb.empty() ? method : verb;
        ApiError::methodNotAllowed(*resource, what).send(response);
        return;
    }

    std::shared_ptr<catalog::ObjectStore> store;
    std::shared_ptr<ResourceStorage> moduleStorage;
    if (resource->backend == Backend::kModule) {
        auto storage = services_.find<ResourceStorage>();
        if (storage) {
            auto served = storage->resources();
            if (std::find(served.begin(), served.end(), resource->qualifiedName()) !=
                served.end()) {
                store = storage;
                moduleStorage = storage;
            }
        }
    } else {
        store = services_.find<catalog::ObjectStore>();
    }
    if (!store) {
        ApiError::unavailable().send(response);
        return;
    }

    ApiRequest request{route,       response, *resource,          ns,           name,
                       subresource, store,    platformNamespace_, moduleStorage};
    if (verb == "get") {
        ObjectHandler::get(request);
    } else if (verb == "list") {
        ListHandler::list(request);
    } else if (verb == "watch") {
        WatchHandler::watch(request, watchSettings_, watches_);
    } else if (verb == "create") {
        finish.deferred = ObjectHandler::create(request);
    } else if (verb == "update") {
        ObjectHandler::update(request);
    } else if (verb == "patch") {
        ObjectHandler::patch(request);
    } else if (verb == "delete") {
        ObjectHandler::remove(request);
    } else {
        ListHandler::deleteCollection(request);
    }
}

}  // namespace kiod::aggregatedapi
