// /healthz, /livez and /readyz on every listener, in kube-apiserver's
// format, and Status answers for paths and methods nobody serves.
#include "HttpClient.h"
#include "KiodProcess.h"

#include <boost/test/unit_test.hpp>

using namespace kiod::test;

BOOST_AUTO_TEST_SUITE(health)

BOOST_AUTO_TEST_CASE(every_listener_answers_health_endpoints) {
    TempDir dir;
    KiodProcess kiod(dir, baseConfig(dir));
    for (const auto* listener : {"api", "metrics"}) {
        for (const auto* path : {"/healthz", "/livez", "/readyz"}) {
            auto response = get(kiod.url(listener), path);
            BOOST_TEST(response.status == 200, listener << path);
            BOOST_TEST(response.body == "ok");
        }
    }
}

BOOST_AUTO_TEST_CASE(verbose_readyz_lists_each_enabled_module) {
    TempDir dir;
    KiodProcess kiod(dir, baseConfig(dir, "metrics, slowroute"));
    auto response = get(kiod.url("api"), "/readyz?verbose");
    BOOST_TEST(response.status == 200);
    BOOST_TEST(response.body ==
               "[+]ping ok\n[+]metrics ok\n[+]slowroute ok\nreadyz check passed\n");
    BOOST_TEST(get(kiod.url("api"), "/livez?verbose").body == "[+]ping ok\nlivez check passed\n");
}

BOOST_AUTO_TEST_CASE(one_check_by_name_and_exclusions) {
    TempDir dir;
    KiodProcess kiod(dir, baseConfig(dir));
    BOOST_TEST(get(kiod.url("api"), "/readyz/metrics").body == "ok");
    BOOST_TEST(get(kiod.url("api"), "/readyz/catalog").status == 404);
    auto excluded = get(kiod.url("api"), "/readyz?verbose&exclude=metrics&exclude=nope");
    BOOST_TEST(excluded.body ==
               "[+]ping ok\n[+]metrics excluded: ok\n"
               "warn: some health checks cannot be excluded: no matches for \"nope\"\n"
               "readyz check passed\n");
}

BOOST_AUTO_TEST_CASE(unknown_path_is_a_404_status) {
    TempDir dir;
    KiodProcess kiod(dir, baseConfig(dir));
    auto response = get(kiod.url("api"), "/apis/nothing/here");
    BOOST_TEST(response.status == 404);
    BOOST_TEST(response.headers.get("Content-Type") == "application/json");
    BOOST_TEST(response.body ==
               R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",)"
               R"("message":"the server could not find the requested resource",)"
               R"("reason":"NotFound","code":404})"
               "\n");
}

BOOST_AUTO_TEST_CASE(wrong_method_is_a_405_status_with_allow) {
    TempDir dir;
    KiodProcess kiod(dir, baseConfig(dir));
    auto response = request(kiod.url("api"), "POST", "/healthz");
    BOOST_TEST(response.status == 405);
    BOOST_TEST(response.headers.get("Allow") == "GET, HEAD");
    BOOST_TEST(response.body.find(R"("reason":"MethodNotAllowed","code":405)") != std::string::npos,
               response.body);
}

BOOST_AUTO_TEST_SUITE_END()
