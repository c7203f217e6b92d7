#include "HttpRequestMetrics.h"

#include <mutex>

namespace kiod::metrics {

namespace {

// From 500µs (a health probe) to a minute (a long list or a watch's end).
const prometheus::Histogram::BucketBoundaries kDurationBuckets = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};

}  // namespace

HttpRequestMetrics::HttpRequestMetrics(prometheus::Registry& registry)
    : requests_(
          prometheus::BuildCounter()
              .Name("kiod_http_requests_total")
              .Help("HTTP requests served, by listener, method, route pattern and status code.")
              .Register(registry)),
      duration_(prometheus::BuildHistogram()
                    .Name("kiod_http_request_duration_seconds")
                    .Help("Time from routing a request to having written its response, in seconds.")
                    .Register(registry)) {}

HttpRequestMetrics::Series& HttpRequestMetrics::seriesFor(const RequestRecord& record) {
    std::string code = std::to_string(record.status);
    std::string key;
    key.reserve(record.listener.size() + record.method.size() + record.route.size() + 8);
    key.append(record.listener).append(1, '\0').append(record.method).append(1, '\0');
    key.append(record.route).append(1, '\0').append(code);
    {
        std::shared_lock lock(mutex_);
        auto it = series_.find(key);
        if (it != series_.end()) {
            return it->second;
        }
    }
    std::unique_lock lock(mutex_);
    auto [it, inserted] = series_.try_emplace(std::move(key));
    if (inserted) {
        std::map<std::string, std::string> labels = {{"listener", std::string(record.listener)},
                                                     {"method", std::string(record.method)},
                                                     {"route", std::string(record.route)}};
        it->second.duration = &duration_.Add(labels, kDurationBuckets);
        labels["code"] = code;
        it->second.requests = &requests_.Add(labels);
    }
    return it->second;
}

void HttpRequestMetrics::observe(const RequestRecord& record) noexcept {
    try {
        auto& series = seriesFor(record);
        series.requests->Increment();
        series.duration->Observe(std::chrono::duration<double>(record.duration).count());
    } catch (...) {
        // Metrics must never fail a request; a series that cannot be created
        // (out of memory) is skipped.
    }
}

}  // namespace kiod::metrics
