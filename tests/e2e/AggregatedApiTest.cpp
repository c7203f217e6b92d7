// The aggregated API module in a running kiod, over HTTPS without kubectl:
// its configuration, the wire details kubectl does not show.
#include "HttpClient.h"
#include "KiodProcess.h"

#include <boost/test/unit_test.hpp>

using namespace kiod::test;

namespace {

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(aggregatedapi)

BOOST_AUTO_TEST_CASE(listener_must_be_a_configured_one) {
    TempDir dir;
    dir.write("kiod.ini",
              baseConfig(dir, "catalog, aggregatedapi") + "[aggregatedapi]\nlistener = nope\n");
    auto result = runKiod({"--config", dir.file("kiod.ini"), "--check-config"});
    BOOST_TEST(result.exitCode == 78);
    BOOST_TEST(contains(result.err, "aggregatedapi.listener"), result.err);
    dir.write("kiod.ini", baseConfig(dir, "catalog, aggregatedapi") +
                              "[aggregatedapi]\nplatform_namespace = Not.A.Namespace\n");
    result = runKiod({"--config", dir.file("kiod.ini"), "--check-config"});
    BOOST_TEST(result.exitCode == 78);
    BOOST_TEST(contains(result.err, "aggregatedapi.platform_namespace"), result.err);
}

BOOST_AUTO_TEST_CASE(discovery_and_errors_over_https) {
    TempDir dir;
    KiodProcess kiod(dir, baseConfig(dir, "metrics, catalog, aggregatedapi"),
                     {"--set", "listener.api.tls.auto=true"});
    auto api = kiod.url("api");
    BOOST_REQUIRE(api.rfind("https://", 0) == 0);
    auto groups = get(api, "/apis");
    BOOST_TEST(groups.status == 200);
    BOOST_TEST(contains(groups.body, R"({"kind":"APIGroupList","apiVersion":"v1","groups":[)"));
    BOOST_TEST(contains(
        groups.body,
        R"("preferredVersion":{"groupVersion":"apps.kio.kasten.io/v1alpha1","version":"v1alpha1"})"));
    auto core = get(api, "/api");
    BOOST_TEST(core.status == 404);
    BOOST_TEST(contains(core.body, R"("reason":"NotFound")"));
    auto version = get(api, "/version");
    BOOST_TEST(contains(version.body, R"("major":"1")"));
    auto unknown = get(api, "/apis/actions.kio.kasten.io/v1alpha1/namespaces/ns/frobs");
    BOOST_TEST(unknown.status == 404);
    BOOST_TEST(contains(unknown.body, "the server could not find the requested resource"));
    auto list =
        get(api, "/apis/actions.kio.kasten.io/v1alpha1/backupactions?limit=500&unknownParameter=1");
    BOOST_TEST(list.status == 200);
    BOOST_TEST(contains(list.body, R"("items":[])"));
}

BOOST_AUTO_TEST_SUITE_END()
