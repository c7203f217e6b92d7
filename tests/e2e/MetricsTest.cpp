// The metrics module as Prometheus sees it.
#include "HttpClient.h"
#include "KiodProcess.h"

#include <boost/test/unit_test.hpp>

#include <regex>

using namespace kiod::test;

namespace {

// The value of the sample whose line starts with `series` (name and labels
// exactly as serialized), or -1 when absent.
double sample(const std::string& text, const std::string& series) {
    auto at = text.find("\n" + series + " ");
    if (at == std::string::npos) {
        return -1;
    }
    return std::stod(text.substr(at + series.size() + 2));
}

const std::string kLivezSeries =
    R"(kiod_http_requests_total{code="200",listener="api",method="GET",route="/livez"})";

}  // namespace

BOOST_AUTO_TEST_SUITE(metrics)

BOOST_AUTO_TEST_CASE(serves_process_metrics_in_the_text_format) {
    TempDir dir;
    KiodProcess kiod(dir, baseConfig(dir));
    auto response = get(kiod.url("metrics"), "/metrics");
    BOOST_TEST(response.status == 200);
    BOOST_TEST(response.headers.get("Content-Type") == "text/plain; version=0.0.4; charset=utf-8");
    const auto& text = response.body;
    BOOST_TEST(sample(text, "process_resident_memory_bytes") > 1e6, text);
    BOOST_TEST(sample(text, "process_virtual_memory_bytes") > 1e6);
    BOOST_TEST(sample(text, "process_cpu_seconds_total") >= 0);
    BOOST_TEST(sample(text, "process_open_fds") > 3);
    BOOST_TEST(sample(text, "process_max_fds") >= sample(text, "process_open_fds"));
    auto startTime = sample(text, "process_start_time_seconds");
    BOOST_TEST(std::abs(startTime - static_cast<double>(std::time(nullptr))) < 120, startTime);
    BOOST_TEST(text.find("# TYPE process_cpu_seconds_total counter") != std::string::npos);
    BOOST_TEST(
        std::regex_search(
            text, std::regex(R"(\nkiod_build_info\{revision="[^"]+",version="[0-9.]+"\} 1)")),
        text);
    BOOST_TEST(sample(text, R"(kiod_module_up{module="metrics"})") == 1);
}

BOOST_AUTO_TEST_CASE(request_counters_grow_with_requests) {
    TempDir dir;
    KiodProcess kiod(dir, baseConfig(dir));
    BOOST_REQUIRE(get(kiod.url("api"), "/livez").status == 200);
    auto before = sample(get(kiod.url("metrics"), "/metrics").body, kLivezSeries);
    BOOST_TEST(before == 1);
    for (int i = 0; i < 3; ++i) {
        get(kiod.url("api"), "/livez");
    }
    get(kiod.url("api"), "/no/such/path");
    auto text = get(kiod.url("metrics"), "/metrics").body;
    BOOST_TEST(sample(text, kLivezSeries) == 4, text);
    BOOST_TEST(
        sample(
            text,
            R"(kiod_http_requests_total{code="404",listener="api",method="GET",route="unmatched"})") ==
        1);
    BOOST_TEST(
        sample(
            text,
            R"(kiod_http_request_duration_seconds_count{listener="api",method="GET",route="/livez"})") ==
        4);
    // The scrapes themselves are counted on the metrics listener.
    BOOST_TEST(
        sample(
            text,
            R"(kiod_http_requests_total{code="200",listener="metrics",method="GET",route="/metrics"})") >=
        1);
}

BOOST_AUTO_TEST_CASE(without_the_module_there_is_no_metrics_endpoint) {
    TempDir dir;
    KiodProcess kiod(dir, baseConfig(dir, "slowroute"));
    BOOST_TEST(get(kiod.url("metrics"), "/metrics").status == 404);
    auto ready = get(kiod.url("metrics"), "/readyz?verbose");
    BOOST_TEST(ready.status == 200);
    BOOST_TEST(ready.body == "[+]ping ok\n[+]slowroute ok\nreadyz check passed\n");
}

BOOST_AUTO_TEST_SUITE_END()
