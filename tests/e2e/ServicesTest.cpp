// Modules meet through the service registry; one that needs another's
// service softly looks it up per request and answers 503 while it is absent.
#include "HttpClient.h"
#include "KiodProcess.h"

#include <boost/test/unit_test.hpp>

using namespace kiod::test;

BOOST_AUTO_TEST_SUITE(services)

BOOST_AUTO_TEST_CASE(service_offered_by_an_enabled_module_is_found_at_request_time) {
    TempDir dir;
    KiodProcess kiod(dir, baseConfig(dir, "probe, metrics"));
    auto response = get(kiod.url("api"), "/probe");
    BOOST_TEST(response.status == 200);
    BOOST_TEST(response.body == "present");
}

BOOST_AUTO_TEST_CASE(absent_service_is_a_503_while_the_rest_keeps_serving) {
    TempDir dir;
    KiodProcess kiod(dir, baseConfig(dir, "probe"));
    auto response = get(kiod.url("api"), "/probe");
    BOOST_TEST(response.status == 503);
    BOOST_TEST(
        response.body.find(
            R"("message":"the server is currently unable to handle the request","reason":"ServiceUnavailable","code":503)") !=
            std::string::npos,
        response.body);
    BOOST_TEST(get(kiod.url("api"), "/readyz").status == 200);
}

BOOST_AUTO_TEST_SUITE_END()
