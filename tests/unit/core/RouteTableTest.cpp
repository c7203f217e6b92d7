#include "HttpRouter.h"
#include "RouteTable.h"

#include <boost/test/unit_test.hpp>

using kiod::RoutePattern;
using kiod::RouteTable;
using Params = std::vector<std::pair<std::string, std::string>>;

namespace {

kiod::RouteHandler noop() {
    return [](kiod::RouteRequest&, Poco::Net::HTTPServerResponse&) {};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(router)

BOOST_AUTO_TEST_CASE(pattern_captures_parameters) {
    RoutePattern pattern("/apis/{group}/{version}/namespaces/{namespace}/{plural}");
    Params params;
    BOOST_REQUIRE(
        pattern.match("/apis/actions.kio.kasten.io/v1alpha1/namespaces/app/backupactions", params));
    BOOST_TEST(params == (Params{{"group", "actions.kio.kasten.io"},
                                 {"version", "v1alpha1"},
                                 {"namespace", "app"},
                                 {"plural", "backupactions"}}));
}

BOOST_AUTO_TEST_CASE(pattern_needs_every_segment_and_no_more) {
    RoutePattern pattern("/apis/{group}");
    Params params;
    BOOST_TEST(!pattern.match("/apis", params));
    BOOST_TEST(!pattern.match("/apis/", params));  // an empty parameter
    BOOST_TEST(!pattern.match("/apis/a/b", params));
    BOOST_TEST(!pattern.match("/api/a", params));
    BOOST_TEST(pattern.match("/apis/a", params));
}

BOOST_AUTO_TEST_CASE(trailing_slash_is_another_path) {
    RoutePattern pattern("/metrics");
    Params params;
    BOOST_TEST(pattern.match("/metrics", params));
    BOOST_TEST(!pattern.match("/metrics/", params));
}

BOOST_AUTO_TEST_CASE(malformed_patterns_are_refused) {
    BOOST_CHECK_THROW(RoutePattern("metrics"), std::invalid_argument);
    BOOST_CHECK_THROW(RoutePattern("/a/{}"), std::invalid_argument);
    BOOST_CHECK_THROW(RoutePattern("/a/{open"), std::invalid_argument);
    BOOST_CHECK_THROW(RoutePattern("/a/{x}/{x}"), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(literal_segment_wins_over_parameter) {
    RouteTable table;
    table.add("GET", "/readyz/{check}", noop(), kiod::Execution::kWorker);
    table.add("GET", "/readyz/verbose", noop(), kiod::Execution::kWorker);
    auto match = table.find("GET", "/readyz/verbose");
    BOOST_REQUIRE(match.handler);
    BOOST_TEST(*match.pattern == "/readyz/verbose");
    match = table.find("GET", "/readyz/catalog");
    BOOST_REQUIRE(match.handler);
    BOOST_TEST(*match.pattern == "/readyz/{check}");
    BOOST_TEST(match.params == (Params{{"check", "catalog"}}));
}

BOOST_AUTO_TEST_CASE(wrong_method_reports_the_allowed_ones) {
    RouteTable table;
    table.add("GET", "/apis/{group}", noop(), kiod::Execution::kWorker);
    table.add("POST", "/apis/{group}", noop(), kiod::Execution::kWorker);
    auto match = table.find("DELETE", "/apis/x");
    BOOST_TEST(!match.handler);
    BOOST_TEST(match.allowed == "GET, HEAD, POST");
}

BOOST_AUTO_TEST_CASE(unknown_path_has_no_handler_and_nothing_allowed) {
    RouteTable table;
    table.add("GET", "/metrics", noop(), kiod::Execution::kWorker);
    auto match = table.find("GET", "/nope");
    BOOST_TEST(!match.handler);
    BOOST_TEST(match.allowed.empty());
}

BOOST_AUTO_TEST_CASE(head_is_served_by_get) {
    RouteTable table;
    table.add("GET", "/metrics", noop(), kiod::Execution::kWorker);
    BOOST_TEST(table.find("HEAD", "/metrics").handler);
}

BOOST_AUTO_TEST_CASE(same_route_twice_is_refused_even_with_other_parameter_names) {
    RouteTable table;
    table.add("GET", "/a/{x}", noop(), kiod::Execution::kWorker);
    BOOST_CHECK_THROW(table.add("GET", "/a/{y}", noop(), kiod::Execution::kWorker),
                      std::invalid_argument);
    BOOST_CHECK_NO_THROW(table.add("PUT", "/a/{x}", noop(), kiod::Execution::kWorker));
}

BOOST_AUTO_TEST_CASE(mount_on_unknown_listener_is_refused) {
    kiod::HttpRouter router({"api"});
    BOOST_TEST(router.hasListener("api"));
    BOOST_TEST(!router.hasListener("internal"));
    BOOST_CHECK_THROW(router.mount("internal", "GET", "/x", noop(), kiod::Execution::kWorker),
                      std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(mount_after_freeze_is_a_programming_error) {
    kiod::HttpRouter router({"api"});
    router.mount("api", "GET", "/x", noop(), kiod::Execution::kWorker);
    router.freeze();
    BOOST_CHECK_THROW(router.mount("api", "GET", "/y", noop(), kiod::Execution::kWorker),
                      std::logic_error);
}

BOOST_AUTO_TEST_CASE(a_selector_places_each_request_by_its_query) {
    kiod::HttpRouter router({"api"});
    router.mount("api", "GET", "/items", noop(),
                 [](const kiod::PathParameters&, const kiod::QueryParameters& query) {
                     auto watch = query.find("watch");
                     return watch != query.end() && watch->second == "true"
                                ? kiod::Execution::kWorker
                                : kiod::Execution::kCompute;
                 });
    router.mount("api", "POST", "/items", noop(), kiod::Execution::kWorker);
    router.freeze();
    BOOST_TEST((router.route("api", "GET", "/items?limit=500").match.execution ==
                kiod::Execution::kCompute));
    BOOST_TEST((router.route("api", "GET", "/items?limit=5&wat%63h=true").match.execution ==
                kiod::Execution::kWorker));
    BOOST_TEST(
        (router.route("api", "HEAD", "/items").match.execution == kiod::Execution::kCompute));
    BOOST_TEST((router.route("api", "POST", "/items?watch=true").match.execution ==
                kiod::Execution::kWorker));
    // Its handler answers a malformed escape with 400.
    BOOST_TEST((router.route("api", "GET", "/items?watch=%zz").match.execution ==
                kiod::Execution::kWorker));
    // No route: answered on the loop.
    BOOST_TEST((router.route("api", "GET", "/other?watch=true").match.execution ==
                kiod::Execution::kEventLoop));
    BOOST_CHECK_THROW(router.mount("api", "GET", "/x", noop(), kiod::ExecutionSelector()),
                      std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()
