// TokenReview and SubjectAccessReview on the real kiod, against a stand-in
// for kube-apiserver: an HTTPS server in the test that knows two
// ServiceAccount-like tokens, lets alice list backup actions in team-a and
// nothing else, and counts the reviews it is asked.
#include "HttpClient.h"
#include "KiodProcess.h"
#include "SelfSignedCertificate.h"
#include "TextContains.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <mutex>

using namespace kiod::test;
using namespace std::chrono_literals;

namespace {

const std::string kActions = "/apis/actions.kio.kasten.io/v1alpha1";
const std::string kKiodToken = "kiod-serviceaccount-token";

std::string actions(const std::string& ns) {
    return kActions + "/namespaces/" + ns + "/backupactions";
}

// What the stand-in was asked, for the tests to check.
struct Questions {
    std::atomic<int> tokenReviews{0};
    std::atomic<int> subjectAccessReviews{0};
    std::mutex mutex;
    std::string lastSubjectAccessReview;
    std::string lastAuthorization;
};

// kube-apiserver's answers, cut down: TokenReview knows alice-sa-token and
// bob-sa-token; SubjectAccessReview allows alice get and list in team-a.
class ReviewHandler : public Poco::Net::HTTPRequestHandler {
public:
    explicit ReviewHandler(Questions& questions) : questions_(questions) {}

    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) override {
        std::string body;
        Poco::StreamCopier::copyToString(request.stream(), body);
        {
            std::lock_guard lock(questions_.mutex);
            questions_.lastAuthorization = request.get("Authorization", "");
        }
        if (request.get("Authorization", "") != "Bearer " + kKiodToken) {
            answer(response, 401,
                   R"({"kind":"Status","status":"Failure","reason":"Unauthorized","code":401})");
            return;
        }
        auto spec =
            Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>()->getObject("spec");
        if (request.getURI() == "/apis/authentication.k8s.io/v1/tokenreviews") {
            ++questions_.tokenReviews;
            answer(response, 201, tokenReview(spec->getValue<std::string>("token")));
        } else if (request.getURI() == "/apis/authorization.k8s.io/v1/subjectaccessreviews") {
            ++questions_.subjectAccessReviews;
            {
                std::lock_guard lock(questions_.mutex);
                questions_.lastSubjectAccessReview = body;
            }
            answer(response, 201, subjectAccessReview(*spec));
        } else {
            answer(response, 404, R"({"kind":"Status","code":404})");
        }
    }

private:
    static std::string tokenReview(const std::string& token) {
        std::string status;
        if (token == "alice-sa-token") {
            status = R"({"authenticated":true,"user":{"username":"alice","uid":"a-1",)"
                     R"("groups":["team-a"],"extra":{"scopes":["backups"]}}})";
        } else if (token == "bob-sa-token") {
            status = R"({"authenticated":true,"user":{"username":"bob","groups":["team-b"]}})";
        } else {
            status = R"({"user":{},"error":"invalid bearer token"})";
        }
        return R"({"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview","status":)" +
               status + "}";
    }

    static std::string subjectAccessReview(const Poco::JSON::Object& spec) {
        auto resource = spec.getObject("resourceAttributes");
        bool allowed = spec.getValue<std::string>("user") == "alice" && resource &&
                       resource->optValue<std::string>("namespace", "") == "team-a" &&
                       (resource->optValue<std::string>("verb", "") == "list" ||
                        resource->optValue<std::string>("verb", "") == "get");
        return std::string(R"({"apiVersion":"authorization.k8s.io/v1",)"
                           R"("kind":"SubjectAccessReview","status":{"allowed":)") +
               (allowed ? "true" : "false") + "}}";
    }

    static void answer(Poco::Net::HTTPServerResponse& response, int status,
                       const std::string& body) {
        response.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
        response.setContentType("application/json");
        response.setContentLength(static_cast<std::streamsize>(body.size()));
        response.send() << body;
    }

    Questions& questions_;
};

class ReviewHandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
public:
    explicit ReviewHandlerFactory(Questions& questions) : questions_(questions) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(
        const Poco::Net::HTTPServerRequest&) override {
        return new ReviewHandler(questions_);
    }

private:
    Questions& questions_;
};

// The stand-in for kube-apiserver, on a free port of 127.0.0.1 with a
// self-signed certificate for that address.
class FakeKubeApiserver {
public:
    explicit FakeKubeApiserver(const TempDir& dir)
        : certificate_(kiod::SelfSignedCertificate::ensure(dir.file("kube-apiserver"), "apiserver",
                                                           "127.0.0.1")),
          context_(new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, certificate_.keyFile,
                                          certificate_.certFile, "",
                                          Poco::Net::Context::VERIFY_NONE)),
          socket_(Poco::Net::SocketAddress("127.0.0.1", 0), 64, context_),
          server_(new ReviewHandlerFactory(questions), socket_, new Poco::Net::HTTPServerParams) {
        server_.start();
    }
    ~FakeKubeApiserver() { server_.stopAll(true); }

    std::string url() const {
        return "https://127.0.0.1:" + std::to_string(socket_.address().port());
    }
    const std::string& caFile() const { return certificate_.certFile; }

    Questions questions;

private:
    kiod::SelfSignedCertificate certificate_;
    Poco::Net::Context::Ptr context_;
    Poco::Net::SecureServerSocket socket_;
    Poco::Net::HTTPServer server_;
};

// Discovery for every authenticated user; the rest is kube-apiserver's call.
const std::string kRules = R"({
  "roles": {"discovery": [{"verbs": ["get"], "nonResourceURLs": ["/apis", "/apis/*"]}]},
  "bindings": [{"role": "discovery", "groups": ["system:authenticated"]}]
})";

const std::string kTokens =
    "admin-token-0123,admin,1,\"system:masters\"\n"
    "carol-token-4567,carol,2\n";

// kiod on HTTPS with a token file, the rules above, TokenReview and
// SubjectAccessReview against `url` (verified with `caFile`), and `extra`
// keys for the API listener.
KiodProcess startKiod(const TempDir& dir, const std::string& url, const std::string& caFile,
                      const std::vector<std::string>& extra = {}) {
    dir.write("tokens.csv", kTokens);
    dir.write("rules.json", kRules);
    dir.write("kiod-token", kKiodToken + "\n");
    const std::string api = "listener.api.";
    std::vector<std::string> flags = {
        "--set", api + "tls.auto=true",
        "--set", api + "auth.token_file=" + dir.file("tokens.csv"),
        "--set", api + "auth.rules_file=" + dir.file("rules.json"),
        "--set", api + "auth.open=false",
        "--set", api + "auth.tokenreview=true",
        "--set", api + "auth.subjectaccessreview=true",
        "--set", api + "auth.kubernetes.url=" + url,
        "--set", api + "auth.kubernetes.ca=" + caFile,
        "--set", api + "auth.kubernetes.token_file=" + dir.file("kiod-token")};
    for (const auto& setting : extra) {
        flags.insert(flags.end(), {"--set", api + setting});
    }
    return KiodProcess(dir, baseConfig(dir, "metrics, catalog, aggregatedapi"), flags);
}

HttpResponse as(const KiodProcess& kiod, const std::string& token, const std::string& path) {
    RequestOptions options;
    options.bearerToken = token;
    return request(kiod.url("api"), "GET", path, options);
}

struct Reviewed {
    Reviewed() : kube(dir), kiod(startKiod(dir, kube.url(), kube.caFile())) {}

    TempDir dir;
    FakeKubeApiserver kube;
    KiodProcess kiod;
};

// A port on which nobody listens.
int closedPort() {
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
    int port = socket.address().port();
    socket.close();
    return port;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(kube_reviews)

BOOST_FIXTURE_TEST_CASE(a_token_kube_apiserver_knows_is_its_user_and_an_unknown_one_gets_401,
                        Reviewed) {
    auto listed = as(kiod, "alice-sa-token", actions("team-a"));
    BOOST_TEST(listed.status == 200, listed.body);
    BOOST_TEST(kube.questions.tokenReviews == 1);
    {
        // kiod presented its own token, and asked about alice as TokenReview said she is
        std::lock_guard lock(kube.questions.mutex);
        BOOST_TEST(kube.questions.lastAuthorization == "Bearer " + kKiodToken);
        BOOST_TEST(contains(kube.questions.lastSubjectAccessReview,
                            R"("resourceAttributes":{"namespace":"team-a","verb":"list",)"
                            R"("group":"actions.kio.kasten.io","version":"v1alpha1",)"
                            R"("resource":"backupactions"},"user":"alice",)"
                            R"("groups":["team-a","system:authenticated"],)"
                            R"("extra":{"scopes":["backups"]},"uid":"a-1")"),
                   kube.questions.lastSubjectAccessReview);
    }

    auto unknown = as(kiod, "nobody-sa-token", actions("team-a"));
    BOOST_TEST(unknown.status == 401);
    BOOST_TEST(contains(unknown.body, R"("reason":"Unauthorized")"), unknown.body);
    BOOST_TEST(!contains(kiod.stderrText(), "-sa-token"));

    // the token file answers first, without asking
    int reviews = kube.questions.tokenReviews;
    BOOST_TEST(as(kiod, "admin-token-0123", kActions + "/backupactions").status == 200);
    BOOST_TEST(kube.questions.tokenReviews == reviews);
}

BOOST_FIXTURE_TEST_CASE(a_second_request_within_the_ttl_asks_kube_apiserver_nothing, Reviewed) {
    BOOST_TEST(as(kiod, "alice-sa-token", actions("team-a")).status == 200);
    BOOST_TEST(as(kiod, "alice-sa-token", actions("team-a")).status == 200);
    BOOST_TEST(kube.questions.tokenReviews == 1);
    BOOST_TEST(kube.questions.subjectAccessReviews == 1);

    // refusals are kept too
    BOOST_TEST(as(kiod, "bob-sa-token", actions("team-a")).status == 403);
    BOOST_TEST(as(kiod, "bob-sa-token", actions("team-a")).status == 403);
    BOOST_TEST(as(kiod, "nobody-sa-token", actions("team-a")).status == 401);
    BOOST_TEST(as(kiod, "nobody-sa-token", actions("team-a")).status == 401);
    BOOST_TEST(kube.questions.tokenReviews == 3);
    BOOST_TEST(kube.questions.subjectAccessReviews == 2);
}

BOOST_AUTO_TEST_CASE(a_zero_ttl_asks_kube_apiserver_every_time) {
    TempDir dir;
    FakeKubeApiserver kube(dir);
    auto kiod =
        startKiod(dir, kube.url(), kube.caFile(),
                  {"auth.tokenreview.cache_ttl=0s", "auth.subjectaccessreview.allow_cache_ttl=0s"});
    BOOST_TEST(as(kiod, "alice-sa-token", actions("team-a")).status == 200);
    BOOST_TEST(as(kiod, "alice-sa-token", actions("team-a")).status == 200);
    BOOST_TEST(kube.questions.tokenReviews == 2);
    BOOST_TEST(kube.questions.subjectAccessReviews == 2);
}

BOOST_FIXTURE_TEST_CASE(kube_apiserver_allows_what_the_rules_do_not_and_denies_with_kubes_403,
                        Reviewed) {
    BOOST_TEST(as(kiod, "alice-sa-token", actions("team-a")).status == 200);
    BOOST_TEST(as(kiod, "alice-sa-token", actions("team-a") + "/b1").status == 404);

    auto other = as(kiod, "alice-sa-token", actions("other"));
    BOOST_TEST(other.status == 403);
    BOOST_TEST(contains(other.body, R"("reason":"Forbidden")"), other.body);
    BOOST_TEST(
        contains(other.body, R"("message":"backupactions.actions.kio.kasten.io is forbidden: User )"
                             R"(\"alice\" cannot list resource \"backupactions\" in API group )"
                             R"(\"actions.kio.kasten.io\" in the namespace \"other\"")"),
        other.body);
    auto bob = as(kiod, "bob-sa-token", actions("team-a"));
    BOOST_TEST(bob.status == 403);
    BOOST_TEST(contains(bob.body, R"(User \"bob\" cannot list)"), bob.body);

    // what the rules allow is not asked
    int reviews = kube.questions.subjectAccessReviews;
    BOOST_TEST(as(kiod, "bob-sa-token", "/apis").status == 200);
    BOOST_TEST(kube.questions.subjectAccessReviews == reviews);
}

BOOST_AUTO_TEST_CASE(an_unreachable_kube_apiserver_means_401_and_403_at_once) {
    TempDir dir;
    auto kiod = startKiod(dir, "https://127.0.0.1:" + std::to_string(closedPort()),
                          kiod::SelfSignedCertificate::ensure(dir.file("ca"), "ca", "").certFile);
    BOOST_TEST(as(kiod, "alice-sa-token", actions("team-a")).status == 401);
    BOOST_TEST(kiod.waitForLog("TokenReview failed: https://127.0.0.1:", 5s), kiod.stderrText());
    // carol of the token file is authenticated, but nobody allows her anything
    BOOST_TEST(as(kiod, "carol-token-4567", actions("team-a")).status == 403);
    BOOST_TEST(kiod.waitForLog("SubjectAccessReview failed: https://127.0.0.1:", 5s));
    // masters and the rules do not need kube-apiserver
    BOOST_TEST(as(kiod, "admin-token-0123", actions("team-a")).status == 200);
    BOOST_TEST(as(kiod, "carol-token-4567", "/apis").status == 200);
}

BOOST_AUTO_TEST_CASE(a_kube_apiserver_that_never_answers_costs_one_timeout) {
    TempDir dir;
    // Connections are accepted by the kernel, and never answered.
    Poco::Net::ServerSocket silent(Poco::Net::SocketAddress("127.0.0.1", 0));
    auto kiod = startKiod(dir, "https://127.0.0.1:" + std::to_string(silent.address().port()),
                          kiod::SelfSignedCertificate::ensure(dir.file("ca"), "ca", "").certFile,
                          {"auth.kubernetes.timeout=300ms"});
    auto started = std::chrono::steady_clock::now();
    BOOST_TEST(as(kiod, "alice-sa-token", actions("team-a")).status == 401);
    BOOST_TEST((std::chrono::steady_clock::now() - started < 5s));
    BOOST_TEST(kiod.waitForLog("Timeout", 5s), kiod.stderrText());
}

BOOST_AUTO_TEST_CASE(a_kube_apiserver_with_a_certificate_of_another_ca_is_not_believed) {
    TempDir dir;
    FakeKubeApiserver kube(dir);
    auto otherCa = kiod::SelfSignedCertificate::ensure(dir.file("other"), "other", "127.0.0.1");
    auto kiod = startKiod(dir, kube.url(), otherCa.certFile);
    BOOST_TEST(as(kiod, "alice-sa-token", actions("team-a")).status == 401);
    BOOST_TEST(kube.questions.tokenReviews == 0);
    BOOST_TEST(kiod.waitForLog("certificate verify failed", 5s), kiod.stderrText());
}

BOOST_AUTO_TEST_SUITE_END()
