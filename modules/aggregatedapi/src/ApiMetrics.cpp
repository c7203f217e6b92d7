#include "ApiMetrics.h"

namespace kiod::aggregatedapi {

namespace {

// kube-apiserver's buckets for apiserver_request_duration_seconds.
const prometheus::Histogram::BucketBoundaries kBuckets = {
    0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1,  1.25, 1.5, 2,
    3,     4,     5,    6,   8,   10,  15,  20,  30, 45,   60};

}  // namespace

ApiMetrics::ApiMetrics(prometheus::Registry& registry)
    : requests_(prometheus::BuildCounter()
                    .Name("apiserver_request_total")
                    .Help("Counter of apiserver requests broken out for each verb, group, "
                          "version, resource, subresource, scope and HTTP response code.")
                    .Register(registry)),
      duration_(prometheus::BuildHistogram()
                    .Name("apiserver_request_duration_seconds")
                    .Help("Response latency distribution in seconds for each verb, group, "
                          "version, resource, subresource and scope.")
                    .Register(registry)),
      inflight_(prometheus::BuildGauge()
                    .Name("apiserver_current_inflight_requests")
                    .Help("Requests of the aggregated API being served now.")
                    .Register(registry)
                    .Add({})),
      watchers_(prometheus::BuildGauge()
                    .Name("apiserver_registered_watchers")
                    .Help("Number of currently open watches for a given resource.")
                    .Register(registry)) {}

void ApiMetrics::finished(const Request& request, int code, std::chrono::nanoseconds duration,
                          bool inflight) {
    if (inflight) {
        inflight_.Decrement();
    }
    std::string key = request.verb + '\0' + request.group + '\0' + request.version + '\0' +
                      request.resource + '\0' + request.subresource + '\0' + request.scope;
    std::map<std::string, std::string> labels = {{"verb", request.verb},
                                                 {"group", request.group},
                                                 {"version", request.version},
                                                 {"resource", request.resource},
                                                 {"subresource", request.subresource},
                                                 {"scope", request.scope}};
    std::lock_guard lock(mutex_);
    auto histogram = histograms_.find(key);
    if (histogram == histograms_.end()) {
        histogram = histograms_.emplace(key, &duration_.Add(labels, kBuckets)).first;
    }
    std::string codeKey = key + '\0' + std::to_string(code);
    auto counter = counters_.find(codeKey);
    if (counter == counters_.end()) {
        labels["code"] = std::to_string(code);
        counter = counters_.emplace(codeKey, &requests_.Add(labels)).first;
    }
    histogram->second->Observe(std::chrono::duration<double>(duration).count());
    counter->second->Increment();
}

void ApiMetrics::watchOpened(const ResourceInfo& resource) {
    watchers_
        .Add({{"group", resource.group}, {"version", resource.version}, {"kind", resource.kind}})
        .Increment();
}

void ApiMetrics::watchClosed(const ResourceInfo& resource) {
    watchers_
        .Add({{"group", resource.group}, {"version", resource.version}, {"kind", resource.kind}})
        .Decrement();
}

}  // namespace kiod::aggregatedapi
