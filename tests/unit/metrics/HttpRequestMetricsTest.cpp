#include "HttpRequestMetrics.h"
#include "MetricsRegistryService.h"

#include <boost/test/unit_test.hpp>
#include <prometheus/text_serializer.h>

#include <sstream>
#include <thread>

using kiod::RequestRecord;
using kiod::metrics::HttpRequestMetrics;
using kiod::metrics::MetricsRegistryService;

namespace {

std::string scrape(MetricsRegistryService& service) {
    std::ostringstream out;
    prometheus::TextSerializer().Serialize(out, service.collect());
    return out.str();
}

RequestRecord record(std::string_view route, int status) {
    return {"api", "GET", route, status, std::chrono::milliseconds(3), "/readyz/x", "127.0.0.1"};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(http_request_metrics)

BOOST_AUTO_TEST_CASE(requests_are_counted_per_route_and_code) {
    MetricsRegistryService service;
    HttpRequestMetrics metrics(service.registry());
    metrics.observe(record("/readyz/{check}", 200));
    metrics.observe(record("/readyz/{check}", 200));
    metrics.observe(record("unmatched", 404));

    auto text = scrape(service);
    BOOST_TEST(text.find("kiod_http_requests_total{code=\"200\",listener=\"api\",method=\"GET\","
                         "route=\"/readyz/{check}\"} 2") != std::string::npos,
               text);
    BOOST_TEST(text.find("kiod_http_requests_total{code=\"404\",listener=\"api\",method=\"GET\","
                         "route=\"unmatched\"} 1") != std::string::npos);
    BOOST_TEST(
        text.find("kiod_http_request_duration_seconds_bucket{listener=\"api\",method=\"GET\","
                  "route=\"/readyz/{check}\",le=\"0.005\"} 2") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(concurrent_requests_lose_no_count) {
    MetricsRegistryService service;
    HttpRequestMetrics metrics(service.registry());
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 5000; ++i) {
                metrics.observe(record(i % 2 ? "/a" : "/b", 200));
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    auto text = scrape(service);
    BOOST_TEST(text.find("route=\"/a\"} 10000") != std::string::npos, text);
    BOOST_TEST(text.find("route=\"/b\"} 10000") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(collectables_are_scraped_while_their_owner_keeps_them) {
    struct Fixed : prometheus::Collectable {
        std::vector<prometheus::MetricFamily> Collect() const override {
            prometheus::ClientMetric metric;
            metric.gauge.value = 7;
            return {{"test_fixed", "A fixed gauge.", prometheus::MetricType::Gauge, {metric}}};
        }
    };
    MetricsRegistryService service;
    auto fixed = std::make_shared<Fixed>();
    service.addCollectable(fixed);
    BOOST_TEST(scrape(service).find("test_fixed 7") != std::string::npos);
    fixed.reset();
    BOOST_TEST(scrape(service).find("test_fixed") == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
