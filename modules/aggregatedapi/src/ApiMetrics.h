#pragma once

#include "ResourceTable.h"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <chrono>
#include <map>
#include <mutex>
#include <string>

namespace kiod::aggregatedapi {

// The request metrics of kube-apiserver, for the aggregated API's requests,
// so that dashboards made for an API server work:
//   apiserver_request_total{verb, group, version, resource, subresource, scope, code}
//   apiserver_request_duration_seconds{verb, group, version, resource, subresource, scope}
//   apiserver_current_inflight_requests
//   apiserver_registered_watchers{group, version, kind}: open watches
// `verb` is kube's (GET, LIST, WATCH, POST, PUT, PATCH, DELETE,
// DELETECOLLECTION), `scope` resource, namespace or cluster. Thread-safe.
class ApiMetrics {
public:
    struct Request {
        std::string verb;
        std::string group;
        std::string version;
        std::string resource;
        std::string subresource;
        std::string scope;
    };

    explicit ApiMetrics(prometheus::Registry& registry);

    void started() { inflight_.Increment(); }
    // `inflight`: whether started() counted it.
    void finished(const Request& request, int code, std::chrono::nanoseconds duration,
                  bool inflight = true);
    void watchOpened(const ResourceInfo& resource);
    void watchClosed(const ResourceInfo& resource);

private:
    prometheus::Family<prometheus::Counter>& requests_;
    prometheus::Family<prometheus::Histogram>& duration_;
    prometheus::Gauge& inflight_;
    prometheus::Family<prometheus::Gauge>& watchers_;
    std::mutex mutex_;
    std::map<std::string, prometheus::Counter*> counters_;
    std::map<std::string, prometheus::Histogram*> histograms_;
};

}  // namespace kiod::aggregatedapi
