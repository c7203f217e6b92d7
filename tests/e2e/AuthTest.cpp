// Authentication, authorization and audit on the real kiod: tokens, client
// certificates, the aggregation layer's request headers, the rules file
// (and its reload), the crypto service behind them, kubectl as each kind of
// user, and the audit log.
#include "Base64.h"
#include "HttpClient.h"
#include "KiodProcess.h"
#include "Kubectl.h"
#include "TestCa.h"
#include "TextContains.h"

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <thread>

using namespace kiod::test;
using namespace std::chrono_literals;

namespace {

const std::string kActions = "/apis/actions.kio.kasten.io/v1alpha1";

std::string actions(const std::string& ns) {
    return kActions + "/namespaces/" + ns + "/backupactions";
}

std::string action(const std::string& name) {
    return R"({"metadata":{"name":")" + name + R"("},"spec":{"subject":{"name":"app"}}})";
}

const std::string kTokens =
    "admin-token-0123,admin,1,\"system:masters\"\n"
    "alice-token-4567,alice,2,\"team-a\"\n"
    "executor-token-89ab,executor,3\n"
    "service-token-cdef,backup-service,4\n";

// Roles as etc/kiod-rules.json has them, cut down to what the tests use.
std::string rules(const std::string& basicNamespaces = R"(["team-a"])") {
    return R"({
  "roles": {
    "discovery": [{"verbs": ["get"], "nonResourceURLs": ["/api", "/api/*", "/apis", "/apis/*",
                                                         "/openapi/*", "/version"]}],
    "basic": [
      {"verbs": ["get", "list", "watch", "create"], "apiGroups": ["actions.kio.kasten.io"],
       "resources": ["backupactions", "backupactions/details"]}
    ],
    "executor": [{"verbs": ["get", "update", "patch"], "apiGroups": ["actions.kio.kasten.io"],
                  "resources": ["*/status"]}],
    "crypto": [{"verbs": ["post"], "nonResourceURLs": ["/crypto/v1/*"]}]
  },
  "bindings": [
    {"role": "discovery", "groups": ["system:authenticated"]},
    {"role": "basic", "groups": ["team-a"], "namespaces": )" +
           basicNamespaces + R"(},
    {"role": "executor", "users": ["executor"]},
    {"role": "crypto", "users": ["backup-service"]}
  ]
})";
}

// Replaces a file as operators (and ConfigMap updates) do: a new file
// renamed over the old one.
void replaceFile(const TempDir& dir, const std::string& name, const std::string& text) {
    dir.write(name + ".new", text);
    BOOST_REQUIRE(std::rename(dir.file(name + ".new").c_str(), dir.file(name).c_str()) == 0);
}

// kiod with every module; on the API listener (HTTPS) client certificates
// of the users' CA, the front proxy's request headers, a token file and
// the rules; the crypto service on an internal listener under the same
// rules; and the audit log in a file.
struct Secured {
    Secured()
        : users(dir.path(), "users"),
          frontProxy(dir.path(), "front-proxy"),
          kiod(dir, config(), flags()),
          api(kiod.url("api")),
          internal(kiod.url("internal")) {}

    std::string config() {
        dir.write("tokens.csv", kTokens);
        dir.write("rules.json", rules());
        dir.write("passphrase", "correct horse\n");
        std::string auth = "auth.token_file = " + dir.file("tokens.csv") +
                           "\nauth.rules_file = " + dir.file("rules.json") + "\n";
        return baseConfig(dir, "metrics, catalog, aggregatedapi, crypto") +
               "[listener.internal]\naddress = 127.0.0.1:0\nthreads = 4\n" + auth +
               "[crypto]\npasskey.scrypt_n = 1024\nlistener = internal\npassphrase_file = " +
               dir.file("passphrase") + "\n[audit]\npath = " + dir.file("audit.log") + "\n";
    }

    std::vector<std::string> flags() {
        const std::string api = "listener.api.";
        return {"--set", api + "tls.auto=true",
                "--set", api + "tls.client_ca=" + users.certFile(),
                "--set", api + "auth.requestheader.client_ca=" + frontProxy.certFile(),
                "--set", api + "auth.requestheader.allowed_names=front-proxy-client",
                "--set", api + "auth.token_file=" + dir.file("tokens.csv"),
                "--set", api + "auth.rules_file=" + dir.file("rules.json"),
                "--set", api + "auth.open=false",
                "--set", api + "auth.anonymous_paths=/livez, /readyz*, /healthz"};
    }

    HttpResponse as(const std::string& token, const std::string& method, const std::string& path,
                    const std::string& body = "", const std::string& url = "") const {
        RequestOptions options;
        options.bearerToken = token;
        options.body = body;
        if (method == "PATCH") {
            options.contentType = "application/merge-patch+json";
        }
        return request(url.empty() ? api : url, method, path, options);
    }

    HttpResponse withCertificate(
        const TestCa::Issued& certificate, const std::string& path,
        std::vector<std::pair<std::string, std::string>> headers = {}) const {
        RequestOptions options;
        options.certFile = certificate.certFile;
        options.keyFile = certificate.keyFile;
        options.headers = std::move(headers);
        return request(api, "GET", path, options);
    }

    TempDir dir;
    TestCa users;
    TestCa frontProxy;
    KiodProcess kiod;
    std::string api;
    std::string internal;
};

const std::string kAdmin = "admin-token-0123";
const std::string kAlice = "alice-token-4567";
const std::string kExecutor = "executor-token-89ab";
const std::string kService = "service-token-cdef";

const std::vector<std::pair<std::string, std::string>> kAliceHeaders = {
    {"X-Remote-User", "alice"}, {"X-Remote-Group", "team-a"}};

}  // namespace

BOOST_AUTO_TEST_SUITE(auth)

BOOST_FIXTURE_TEST_CASE(anonymous_requests_get_401_except_on_health_paths, Secured) {
    auto refused = request(api, "GET", actions("team-a"), RequestOptions{});
    BOOST_TEST(refused.status == 401);
    BOOST_TEST(contains(refused.body, R"("reason":"Unauthorized")"), refused.body);
    BOOST_TEST(contains(refused.body, R"("message":"Unauthorized")"), refused.body);
    BOOST_TEST(request(api, "GET", "/apis", RequestOptions{}).status == 401);
    BOOST_TEST(request(api, "GET", "/no/such/path", RequestOptions{}).status == 401);
    for (std::string health : {"/livez", "/readyz", "/readyz/catalog", "/healthz"}) {
        BOOST_TEST(request(api, "GET", health, RequestOptions{}).status == 200, health);
    }
    // not on the internal listener, which lets no one in anonymously
    BOOST_TEST(request(internal, "GET", "/livez", RequestOptions{}).status == 401);
}

BOOST_FIXTURE_TEST_CASE(a_valid_token_gets_200_and_a_wrong_one_401, Secured) {
    BOOST_TEST(as(kAlice, "GET", actions("team-a")).status == 200);
    BOOST_TEST(as(kAdmin, "GET", kActions + "/backupactions").status == 200);
    for (std::string wrong : {"alice-token-456", "alice-token-45678", "nobody"}) {
        auto refused = as(wrong, "GET", actions("team-a"));
        BOOST_TEST(refused.status == 401, wrong);
        BOOST_TEST(contains(refused.body, R"("reason":"Unauthorized")"));
    }
    // a wrong token is refused on the health paths too: the client meant to be someone
    BOOST_TEST(as("nobody", "GET", "/livez").status == 401);
}

BOOST_FIXTURE_TEST_CASE(a_client_certificate_is_its_cn_in_the_groups_of_its_o, Secured) {
    auto alice = users.issue("alice", "alice", {"team-a"});
    BOOST_TEST(withCertificate(alice, actions("team-a")).status == 200);
    auto other = withCertificate(alice, actions("other"));
    BOOST_TEST(other.status == 403);
    BOOST_TEST(contains(other.body, R"(User \"alice\" cannot list)"), other.body);

    // without the group, the same name gets nothing
    auto lonely = users.issue("lonely", "alice");
    BOOST_TEST(withCertificate(lonely, actions("team-a")).status == 403);
}

BOOST_FIXTURE_TEST_CASE(request_headers_count_only_from_the_front_proxy_certificate, Secured) {
    auto proxy = frontProxy.issue("proxy", "front-proxy-client");
    BOOST_TEST(withCertificate(proxy, actions("team-a"), kAliceHeaders).status == 200);
    auto denied = withCertificate(proxy, actions("other"), kAliceHeaders);
    BOOST_TEST(denied.status == 403);
    BOOST_TEST(contains(denied.body, R"(User \"alice\")"), denied.body);
    // the front proxy is nobody by itself
    BOOST_TEST(withCertificate(proxy, actions("team-a")).status == 401);

    // a front-proxy CA certificate with a CN not allowed, or no certificate: 401
    auto impostor = frontProxy.issue("impostor", "someone-else");
    BOOST_TEST(withCertificate(impostor, actions("team-a"), kAliceHeaders).status == 401);
    RequestOptions bare;
    bare.headers = kAliceHeaders;
    BOOST_TEST(request(api, "GET", actions("team-a"), bare).status == 401);
    // a user's certificate is that user, whatever the headers claim
    auto bob = users.issue("bob", "bob");
    auto asBob = withCertificate(
        bob, actions("team-a"), {{"X-Remote-User", "admin"}, {"X-Remote-Group", "system:masters"}});
    BOOST_TEST(asBob.status == 403);
    BOOST_TEST(contains(asBob.body, R"(User \"bob\")"), asBob.body);
}

BOOST_FIXTURE_TEST_CASE(a_basic_user_works_in_its_namespace_only_and_never_writes_status, Secured) {
    BOOST_TEST(as(kAlice, "POST", actions("team-a"), action("b1")).status == 201);
    BOOST_TEST(as(kAlice, "GET", actions("team-a")).status == 200);
    BOOST_TEST(as(kAlice, "GET", actions("team-a") + "/b1/details").status == 200);

    auto other = as(kAlice, "GET", actions("other"));
    BOOST_TEST(other.status == 403);
    BOOST_TEST(contains(other.body, R"("reason":"Forbidden")"));
    BOOST_TEST(
        contains(other.body, R"("message":"backupactions.actions.kio.kasten.io is forbidden: User )"
                             R"(\"alice\" cannot list resource \"backupactions\" in API group )"
                             R"(\"actions.kio.kasten.io\" in the namespace \"other\"")"),
        other.body);

    std::string patch = R"({"status":{"state":"Running"}})";
    auto status = as(kAlice, "PATCH", actions("team-a") + "/b1/status", patch);
    BOOST_TEST(status.status == 403);
    BOOST_TEST(contains(status.body, R"(cannot patch resource \"backupactions/status\")"),
               status.body);
    BOOST_TEST(as(kAlice, "DELETE", actions("team-a") + "/b1").status == 403);
    // the executor may
    auto written = as(kExecutor, "PATCH", actions("team-a") + "/b1/status", patch);
    BOOST_TEST(written.status == 200, written.body);
}

BOOST_FIXTURE_TEST_CASE(the_crypto_service_needs_its_rule_and_is_not_on_the_api_listener, Secured) {
    std::string encrypt = R"({"owner": {"catalogId": "c", "scope": "s", "purpose": "p"},)"
                          R"( "plaintext": ")" +
                          base64("secret plaintext") + "\"}";
    auto allowed = as(kService, "POST", "/crypto/v1/encrypt", encrypt, internal);
    BOOST_TEST(allowed.status == 200, allowed.body);
    auto refused = as(kAlice, "POST", "/crypto/v1/encrypt", encrypt, internal);
    BOOST_TEST(refused.status == 403);
    BOOST_TEST(contains(refused.body,
                        R"(forbidden: User \"alice\" cannot post path \"/crypto/v1/encrypt\")"),
               refused.body);
    BOOST_TEST(
        request(internal, "POST", "/crypto/v1/encrypt", encrypt, "application/json").status == 401);
    // even for a master, the API listener has no crypto service
    BOOST_TEST(as(kAdmin, "POST", "/crypto/v1/encrypt", encrypt).status == 404);
}

BOOST_FIXTURE_TEST_CASE(kubectl_works_with_a_token_and_with_a_client_certificate, Secured) {
    as(kAdmin, "POST", actions("team-a"), action("b1"));
    TempDir tokenHome;
    Kubectl withToken(tokenHome, api, "{token: " + kAlice + "}");
    auto listed = withToken.run({"get", "backupactions", "-n", "team-a"});
    BOOST_TEST(listed.exitCode == 0, listed.err);
    BOOST_TEST(contains(listed.out, "b1"), listed.out);
    auto forbidden = withToken.run({"get", "backupactions", "-n", "other"});
    BOOST_TEST(forbidden.exitCode != 0);
    BOOST_TEST(contains(forbidden.err, "Error from server (Forbidden)"), forbidden.err);
    BOOST_TEST(contains(forbidden.err, R"(User "alice" cannot list resource "backupactions")"),
               forbidden.err);

    auto certificate = users.issue("alice", "alice", {"team-a"});
    TempDir certificateHome;
    Kubectl withCertificate(certificateHome, api,
                            "{client-certificate: " + certificate.certFile +
                                ", client-key: " + certificate.keyFile + "}");
    listed = withCertificate.run({"get", "backupactions", "-n", "team-a"});
    BOOST_TEST(listed.exitCode == 0, listed.err);
    BOOST_TEST(contains(listed.out, "b1"), listed.out);

    TempDir wrongHome;
    Kubectl wrong(wrongHome, api, "{token: wrong}");
    auto unauthorized = wrong.run({"get", "backupactions", "-n", "team-a"});
    BOOST_TEST(unauthorized.exitCode != 0);
    BOOST_TEST(contains(unauthorized.err, "You must be logged in to the server"), unauthorized.err);
}

BOOST_FIXTURE_TEST_CASE(a_rules_file_change_takes_effect_without_a_restart, Secured) {
    BOOST_TEST_REQUIRE(as(kAlice, "GET", actions("other")).status == 403);
    replaceFile(dir, "rules.json", rules(R"(["team-a", "other"])"));
    // Reread within a second or so; the deadline only bounds a failure.
    int status = 0;
    for (auto deadline = std::chrono::steady_clock::now() + 15s;
         std::chrono::steady_clock::now() < deadline;) {
        status = as(kAlice, "GET", actions("other")).status;
        if (status != 403) {
            break;
        }
        std::this_thread::sleep_for(50ms);
    }
    BOOST_TEST(status == 200);

    // A file that does not parse keeps the rules in force.
    replaceFile(dir, "rules.json", "{ not json");
    BOOST_TEST_REQUIRE(kiod.waitForLog("auth.rules_file: kept the previous contents", 15s));
    BOOST_TEST(as(kAlice, "GET", actions("other")).status == 200);
    BOOST_TEST(as(kAlice, "GET", actions("third")).status == 403);
}

BOOST_FIXTURE_TEST_CASE(the_audit_log_has_a_line_per_write_and_no_secrets, Secured) {
    as(kAlice, "POST", actions("team-a"), action("b1"));
    as(kAlice, "GET", actions("team-a"));  // a read: not audited
    as(kAlice, "PATCH", actions("team-a") + "/b1/status", R"({"status":{"state":"Running"}})");
    as(kService, "POST", "/crypto/v1/encrypt",
       R"({"owner": {"catalogId": "c", "scope": "s", "purpose": "p"}, "plaintext": ")" +
           base64("secret plaintext") + "\"}",
       internal);
    as(kService, "GET", "/crypto/v1/keys", "", internal);                 // a crypto read: audited
    request(api, "DELETE", actions("team-a") + "/b1", RequestOptions{});  // anonymous: 401

    kiod.signal(SIGTERM);
    BOOST_TEST_REQUIRE(kiod.waitExit(10s) == 0, kiod.stderrText());
    std::ifstream in(dir.file("audit.log"));
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) {
        lines.push_back(line);
    }
    BOOST_TEST_REQUIRE(lines.size() == 5u);
    BOOST_TEST(
        contains(lines[0], R"("listener":"api","user":"alice",)"
                           R"("groups":["team-a","system:authenticated"],"verb":"create",)"
                           R"("apiGroup":"actions.kio.kasten.io","resource":"backupactions",)"
                           R"("subresource":"","namespace":"team-a","name":"",)"),
        lines[0]);
    BOOST_TEST(contains(lines[0], R"("method":"POST","code":201,"sourceAddress":"127.0.0.1:)"),
               lines[0]);
    BOOST_TEST(contains(lines[0], R"({"time":")"));
    BOOST_TEST(contains(lines[1], R"("verb":"patch")"));
    BOOST_TEST(contains(lines[1], R"("subresource":"status","namespace":"team-a","name":"b1")"));
    BOOST_TEST(contains(lines[1], R"("code":403)"));
    BOOST_TEST(contains(lines[2], R"("listener":"internal","user":"backup-service")"));
    BOOST_TEST(contains(lines[2], R"("verb":"post")"));
    BOOST_TEST(contains(lines[2], R"("path":"/crypto/v1/encrypt")"));
    BOOST_TEST(contains(lines[2], R"("code":200)"));
    BOOST_TEST(contains(lines[3], R"("path":"/crypto/v1/keys","method":"GET")"));
    BOOST_TEST(contains(lines[4], R"("user":null)"));
    BOOST_TEST(contains(lines[4], R"("code":401)"));
    std::string all;
    for (const auto& line : lines) {
        all += line;
    }
    for (std::string secret : {kAlice, kService, std::string("correct horse"),
                               base64("secret plaintext"), std::string("subject")}) {
        BOOST_TEST(!contains(all, secret), secret);
    }
}

BOOST_AUTO_TEST_SUITE_END()
