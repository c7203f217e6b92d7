// The aggregated API module in a running kiod, over HTTPS without kubectl:
// its configuration, the wire details kubectl does not show.
#include "HttpClient.h"
#include "KiodProcess.h"
#include "RawConnection.h"
#include "TextContains.h"
#include "TextLines.h"

#include <boost/test/unit_test.hpp>

#include <memory>
#include <regex>
#include <vector>

using namespace kiod::test;

namespace {

const std::string kCollection = "/apis/actions.kio.kasten.io/v1alpha1/namespaces/ns/backupactions";

std::string action(const std::string& name) {
    return R"({"metadata":{"name":")" + name + R"("},"spec":{"subject":{"name":"app"}}})";
}

// kiod with the catalog and the aggregated API on a plain HTTP listener with
// only two workers: a watch must not hold one.
struct ApiServer {
    explicit ApiServer(const std::string& extra = "")
        : kiod(dir, baseConfig(dir, "catalog, aggregatedapi") + extra,
               {"--set", "listener.api.threads=2"}),
          api(kiod.url("api")) {}

    // Creates an action; its resourceVersion.
    std::string create(const std::string& name) {
        auto created = request(api, "POST", kCollection, action(name), "application/json");
        BOOST_TEST_REQUIRE(created.status == 201, created.body);
        std::smatch match;
        BOOST_TEST_REQUIRE(
            std::regex_search(created.body, match, std::regex(R"re("resourceVersion":"(\d+)")re")));
        return match[1];
    }

    TempDir dir;
    KiodProcess kiod;
    std::string api;
};

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

BOOST_AUTO_TEST_CASE(creates_beyond_the_catalogs_write_queue_get_429_and_the_others_are_stored) {
    // Creates wait for their commit holding no worker: 64 at once on a
    // listener with two, against a write queue of one.
    ApiServer server("[catalog]\nwrite_queue = 1\n");
    std::vector<std::unique_ptr<RawConnection>> clients;
    for (int i = 0; i < 64; ++i) {
        auto body = action("burst-" + std::to_string(i));
        clients.push_back(std::make_unique<RawConnection>(server.api));
        clients.back()->send("POST " + kCollection +
                             " HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: " +
                             std::to_string(body.size()) + "\r\n\r\n" + body);
    }
    int created = 0;
    int refused = 0;
    for (auto& client : clients) {
        auto head = client->readUntil("\r\n\r\n");
        if (head.rfind("HTTP/1.1 201 ", 0) == 0) {
            ++created;
        } else if (head.rfind("HTTP/1.1 429 ", 0) == 0) {
            ++refused;
            BOOST_TEST(contains(head, "\r\nRetry-After: 1\r\n"), head);
        } else {
            BOOST_TEST(false, "neither created nor refused: " << head);
        }
    }
    BOOST_TEST(refused > 0);
    BOOST_TEST(created + refused == 64);
    // Every create that was acknowledged is stored, and no other.
    auto list = get(server.api, kCollection);
    BOOST_TEST(list.status == 200);
    BOOST_TEST(count(list.body, R"("kind":"BackupAction")") == created);
}

BOOST_AUTO_TEST_SUITE_END()

// Watches over real connections: the opening, the live events, bookmarks,
// and many watches served by a listener with two workers.
BOOST_AUTO_TEST_SUITE(api_watch)

BOOST_AUTO_TEST_CASE(without_resource_version_current_objects_come_as_added) {
    ApiServer server;
    server.create("a");
    server.create("b");
    auto reply = get(server.api, kCollection + "?watch=true&timeoutSeconds=1");
    BOOST_TEST(reply.status == 200);
    BOOST_TEST(reply.headers.get("Transfer-Encoding", "") == "chunked");
    auto lines = kiod::test::nonEmptyLines(reply.body);
    BOOST_TEST_REQUIRE(lines.size() == 2u, reply.body);
    BOOST_TEST(contains(lines[0], R"({"type":"ADDED","object":{)"));
    BOOST_TEST(contains(lines[0], R"("name":"a")"));
    BOOST_TEST(contains(lines[1], R"("name":"b")"));
}

BOOST_AUTO_TEST_CASE(from_a_resource_version_only_later_changes_come) {
    ApiServer server;
    auto rv = server.create("a");
    auto patched = request(server.api, "PATCH", kCollection + "/a/status",
                           R"({"status":{"state":"Running","actionDetails":{"x":1}}})",
                           "application/merge-patch+json");
    BOOST_TEST_REQUIRE(patched.status == 200, patched.body);
    BOOST_TEST_REQUIRE(request(server.api, "DELETE", kCollection + "/a").status == 200);
    auto reply = get(server.api, kCollection + "?watch=1&timeoutSeconds=1&resourceVersion=" + rv);
    auto lines = kiod::test::nonEmptyLines(reply.body);
    BOOST_TEST_REQUIRE(lines.size() == 2u, reply.body);
    BOOST_TEST(contains(lines[0], R"({"type":"MODIFIED")"));
    BOOST_TEST(contains(lines[0], R"("state":"Running")"));
    BOOST_TEST(!contains(lines[0], "actionDetails"));  // details stay out of watches
    BOOST_TEST(contains(lines[1], R"({"type":"DELETED")"));
}

BOOST_AUTO_TEST_CASE(idle_watches_that_allow_bookmarks_get_them_at_the_last_revision_seen) {
    ApiServer server("[aggregatedapi]\nwatch.bookmark_interval = 1s\n");
    server.create("a");
    auto other = request(server.api, "POST",
                         "/apis/actions.kio.kasten.io/v1alpha1/namespaces/other/backupactions",
                         action("b"), "application/json");
    BOOST_TEST_REQUIRE(other.status == 201);
    auto reply =
        get(server.api, kCollection + "?watch=true&allowWatchBookmarks=true&timeoutSeconds=2");
    auto lines = kiod::test::nonEmptyLines(reply.body);
    BOOST_TEST_REQUIRE(lines.size() >= 2u, reply.body);
    BOOST_TEST(contains(lines[0], R"({"type":"ADDED")"));
    // The revision the starting state was read at: nothing of this watch
    // changed since.
    BOOST_TEST(
        lines[1] ==
        R"({"type":"BOOKMARK","object":{"kind":"BackupAction","apiVersion":"actions.kio.kasten.io/v1alpha1","metadata":{"resourceVersion":"2"}}})");
    auto without = get(server.api, kCollection + "?watch=true&timeoutSeconds=1");
    BOOST_TEST(!contains(without.body, "BOOKMARK"));
}

// An open watch holds no worker: three hundred of them on a listener with
// two workers all stream, all see the next change, and other requests are
// still served meanwhile.
BOOST_AUTO_TEST_CASE(hundreds_of_watches_share_two_workers) {
    ApiServer server;
    auto rv = server.create("first");
    std::vector<std::unique_ptr<RawConnection>> watches;
    for (int i = 0; i < 300; ++i) {
        auto watch = std::make_unique<RawConnection>(server.api);
        watch->send("GET " + kCollection + "?watch=true&resourceVersion=" + rv +
                    " HTTP/1.1\r\nHost: kiod\r\n\r\n");
        BOOST_TEST_REQUIRE(contains(watch->readUntil("\r\n\r\n"), "200 OK"));
        watches.push_back(std::move(watch));
    }
    auto listed = get(server.api, kCollection);
    BOOST_TEST(listed.status == 200);
    server.create("second");
    for (auto& watch : watches) {
        auto seen = watch->readUntil(R"("name":"second")");
        BOOST_TEST_REQUIRE(contains(seen, R"({"type":"ADDED")"), seen);
    }
    // Clients that leave free their watches.
    watches.clear();
    auto metrics = get(server.api, kCollection + "?limit=1");
    BOOST_TEST(metrics.status == 200);
}

BOOST_AUTO_TEST_SUITE_END()
