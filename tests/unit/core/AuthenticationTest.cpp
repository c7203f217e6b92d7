// Which certificate proves what: the front proxy's headers are believed only
// over a certificate of the front-proxy CA with an allowed CN, and client
// certificates only from tls.client_ca.
#include "TestCa.h"
#include "auth/AccessControl.h"
#include "auth/ClientCertificateAuthenticator.h"
#include "auth/RequestHeaderAuthenticator.h"

#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/TemporaryFile.h>
#include <boost/test/unit_test.hpp>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <filesystem>
#include <sstream>

using namespace kiod;

namespace {

class FakeRequest : public Poco::Net::HTTPServerRequest {
public:
    std::istream& stream() override { return body_; }
    const Poco::Net::SocketAddress& clientAddress() const override { return address_; }
    const Poco::Net::SocketAddress& serverAddress() const override { return address_; }
    const Poco::Net::HTTPServerParams& serverParams() const override { return *params_; }
    Poco::Net::HTTPServerResponse& response() const override { throw std::logic_error("none"); }
    bool secure() const override { return true; }

private:
    std::istringstream body_;
    Poco::Net::SocketAddress address_;
    Poco::Net::HTTPServerParams::Ptr params_ = new Poco::Net::HTTPServerParams;
};

// A certificate loaded from a PEM file, as TLS would present it.
class Loaded {
public:
    explicit Loaded(const std::string& file) {
        FILE* f = std::fopen(file.c_str(), "r");
        BOOST_REQUIRE(f);
        cert_ = PEM_read_X509(f, nullptr, nullptr, nullptr);
        std::fclose(f);
        BOOST_REQUIRE(cert_);
    }
    ~Loaded() { X509_free(cert_); }
    PeerCertificate peer() const { return {cert_, nullptr}; }

private:
    X509* cert_ = nullptr;
};

struct Pki {
    Pki()
        : dir(Poco::TemporaryFile::tempName()),
          created(std::filesystem::create_directories(dir)),
          users(dir, "users"),
          frontProxy(dir, "front-proxy") {}
    ~Pki() { std::filesystem::remove_all(dir); }

    std::string dir;
    bool created;
    test::TestCa users;
    test::TestCa frontProxy;
};

FakeRequest proxied() {
    FakeRequest request;
    request.add("X-Remote-User", "alice");
    request.add("X-Remote-Group", "dev");
    request.add("X-Remote-Group", "system:masters");
    request.add("X-Remote-Extra-Scopes%2Fv1", "read");
    request.add("X-Remote-Extra-Scopes%2Fv1", "write");
    return request;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(authentication)

BOOST_AUTO_TEST_CASE(front_proxy_headers_are_believed_from_an_allowed_front_proxy_certificate) {
    Pki pki;
    Loaded proxy(pki.frontProxy.issue("proxy", "front-proxy-client").certFile);
    RequestHeaderAuthenticator headers(pki.frontProxy.certFile(), {"front-proxy-client"});
    auto request = proxied();
    auto peer = proxy.peer();
    auto result = headers.authenticate(request, &peer);
    BOOST_REQUIRE(result.outcome == Authentication::Outcome::kAuthenticated);
    BOOST_TEST(result.user.name == "alice");
    BOOST_TEST(result.user.groups == (std::vector<std::string>{"dev", "system:masters"}));
    BOOST_TEST(result.user.extra["scopes/v1"] == (std::vector<std::string>{"read", "write"}));
    // an empty allowed list takes any CN of the front-proxy CA
    RequestHeaderAuthenticator anyName(pki.frontProxy.certFile(), {});
    BOOST_TEST(
        (anyName.authenticate(request, &peer).outcome == Authentication::Outcome::kAuthenticated));
}

BOOST_AUTO_TEST_CASE(front_proxy_headers_are_ignored_from_any_other_certificate_or_none) {
    Pki pki;
    RequestHeaderAuthenticator headers(pki.frontProxy.certFile(), {"front-proxy-client"});
    auto request = proxied();
    Loaded wrongName(pki.frontProxy.issue("other", "someone-else").certFile);
    Loaded user(pki.users.issue("user", "front-proxy-client").certFile);
    for (const auto* loaded : {&wrongName, &user}) {
        auto peer = loaded->peer();
        BOOST_TEST(
            (headers.authenticate(request, &peer).outcome == Authentication::Outcome::kNone));
    }
    BOOST_TEST((headers.authenticate(request, nullptr).outcome == Authentication::Outcome::kNone));
}

BOOST_AUTO_TEST_CASE(identity_headers_are_stripped) {
    auto request = proxied();
    request.add("Accept", "application/json");
    RequestHeaderAuthenticator::strip(request);
    BOOST_TEST(!request.has("X-Remote-User"));
    BOOST_TEST(!request.has("X-Remote-Group"));
    BOOST_TEST(!request.has("X-Remote-Extra-Scopes%2Fv1"));
    BOOST_TEST(request.get("Accept") == "application/json");
}

BOOST_AUTO_TEST_CASE(client_certificates_give_cn_as_user_and_o_as_groups) {
    Pki pki;
    ClientCertificateAuthenticator certificates(pki.users.certFile());
    Loaded bob(pki.users.issue("bob", "bob", {"team-a", "operators"}).certFile);
    FakeRequest request;
    auto peer = bob.peer();
    auto result = certificates.authenticate(request, &peer);
    BOOST_REQUIRE(result.outcome == Authentication::Outcome::kAuthenticated);
    BOOST_TEST(result.user.name == "bob");
    BOOST_TEST(result.user.groups == (std::vector<std::string>{"team-a", "operators"}));

    // the front proxy's certificate is not a user's
    Loaded proxy(pki.frontProxy.issue("proxy", "front-proxy-client").certFile);
    auto proxyPeer = proxy.peer();
    BOOST_TEST(
        (certificates.authenticate(request, &proxyPeer).outcome == Authentication::Outcome::kNone));
}

BOOST_AUTO_TEST_CASE(forbidden_messages_are_kube_apiservers) {
    UserInfo alice{"alice", "", {}, {}};
    auto list = RequestAttributes::parse(
        "GET", "/apis/actions.kio.kasten.io/v1alpha1/namespaces/other/backupactions", "");
    BOOST_TEST(AccessControl::forbiddenMessage(alice, list, "") ==
               "backupactions.actions.kio.kasten.io is forbidden: User \"alice\" cannot list "
               "resource \"backupactions\" in API group \"actions.kio.kasten.io\" in the "
               "namespace \"other\"");
    auto status = RequestAttributes::parse(
        "PUT", "/apis/actions.kio.kasten.io/v1alpha1/namespaces/a/backupactions/b1/status", "");
    BOOST_TEST(AccessControl::forbiddenMessage(alice, status, "") ==
               "backupactions.actions.kio.kasten.io \"b1\" is forbidden: User \"alice\" cannot "
               "update resource \"backupactions/status\" in API group \"actions.kio.kasten.io\" "
               "in the namespace \"a\"");
    auto cluster =
        RequestAttributes::parse("GET", "/apis/apps.kio.kasten.io/v1alpha1/restorepoints", "");
    BOOST_TEST(AccessControl::forbiddenMessage(alice, cluster, "no") ==
               "restorepoints.apps.kio.kasten.io is forbidden: User \"alice\" cannot list "
               "resource \"restorepoints\" in API group \"apps.kio.kasten.io\" at the cluster "
               "scope: no");
    auto path = RequestAttributes::parse("POST", "/crypto/v1/decrypt", "");
    BOOST_TEST(AccessControl::forbiddenMessage(alice, path, "") ==
               "forbidden: User \"alice\" cannot post path \"/crypto/v1/decrypt\"");
}

BOOST_AUTO_TEST_SUITE_END()
