#pragma once

#include <kiod/RequestObserver.h>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <shared_mutex>
#include <string>
#include <unordered_map>

namespace kiod::metrics {

// kiod_http_requests_total{listener,method,route,code} and
// kiod_http_request_duration_seconds{listener,method,route} for every
// request on every listener. Labels carry the route pattern, never the raw
// path, so the number of series is bounded by the routes mounted.
class HttpRequestMetrics : public RequestObserver {
public:
    explicit HttpRequestMetrics(prometheus::Registry& registry);

    void observe(const RequestRecord& record) noexcept override;

private:
    struct Series {
        prometheus::Counter* requests;
        prometheus::Histogram* duration;
    };

    Series& seriesFor(const RequestRecord& record);

    prometheus::Family<prometheus::Counter>& requests_;
    prometheus::Family<prometheus::Histogram>& duration_;

    // Family::Add takes a lock and hashes the labels; a request would pay it
    // twice. The series are cached here, keyed by their label values.
    std::shared_mutex mutex_;
    std::unordered_map<std::string, Series> series_;
};

}  // namespace kiod::metrics
