// HTTPS listeners: a configured certificate, or one kiod generates.
#include "HttpClient.h"
#include "KiodProcess.h"
#include "SelfSignedCertificate.h"

#include <Poco/Crypto/X509Certificate.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/SSLException.h>
#include <Poco/StreamCopier.h>
#include <boost/test/unit_test.hpp>

#include <sys/stat.h>

using namespace kiod::test;

namespace {

struct TlsAnswer {
    int status = 0;
    std::string body;
    Poco::Net::X509Certificate certificate;
};

// GET `path` over HTTPS, verifying the server against `caFile`.
TlsAnswer getVerified(const std::string& url, const std::string& path, const std::string& caFile) {
    auto session = openSession(url, caFile);
    Poco::Net::HTTPRequest request("GET", path, Poco::Net::HTTPMessage::HTTP_1_1);
    session->sendRequest(request);
    Poco::Net::HTTPResponse response;
    std::string body;
    Poco::StreamCopier::copyToString(session->receiveResponse(response), body);
    auto& secure = dynamic_cast<Poco::Net::HTTPSClientSession&>(*session);
    return {response.getStatus(), body, secure.serverCertificate()};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(tls)

BOOST_AUTO_TEST_CASE(configured_certificate_is_the_one_served) {
    TempDir dir;
    auto own = kiod::SelfSignedCertificate::ensure(dir.file("pki"), "operator", "127.0.0.1");
    KiodProcess kiod(dir, baseConfig(dir) + "",
                     {"--set", "listener.api.tls.cert=" + own.certFile, "--set",
                      "listener.api.tls.key=" + own.keyFile});
    BOOST_REQUIRE(kiod.url("api").rfind("https://", 0) == 0);
    auto answer = getVerified(kiod.url("api"), "/healthz", own.certFile);
    BOOST_TEST(answer.status == 200);
    BOOST_TEST(answer.body == "ok");
    BOOST_TEST(answer.certificate.equals(Poco::Crypto::X509Certificate(own.certFile)));
}

BOOST_AUTO_TEST_CASE(tls_auto_generates_a_certificate_once_and_keeps_the_key_private) {
    TempDir dir;
    std::string certFile = dir.file("var/tls/api.crt");
    std::string first;
    {
        KiodProcess kiod(dir, baseConfig(dir), {"--set", "listener.api.tls.auto=true"});
        auto answer = getVerified(kiod.url("api"), "/readyz", certFile);
        BOOST_TEST(answer.status == 200);
        BOOST_TEST(answer.certificate.equals(Poco::Crypto::X509Certificate(certFile)));
        first = answer.certificate.serialNumber();
    }
    struct stat key {};
    BOOST_REQUIRE(stat(dir.file("var/tls/api.key").c_str(), &key) == 0);
    BOOST_TEST((key.st_mode & 0777) == 0600);

    KiodProcess again(dir, baseConfig(dir), {"--set", "listener.api.tls.auto=true"});
    BOOST_TEST(getVerified(again.url("api"), "/readyz", certFile).certificate.serialNumber() ==
               first);
}

BOOST_AUTO_TEST_CASE(plain_http_to_an_https_listener_gets_no_answer) {
    TempDir dir;
    KiodProcess kiod(dir, baseConfig(dir), {"--set", "listener.api.tls.auto=true"});
    auto plain = "http://" + kiod.url("api").substr(8);
    BOOST_CHECK_THROW(get(plain, "/healthz"), Poco::Exception);
    // and the listener keeps serving TLS clients
    BOOST_TEST(getVerified(kiod.url("api"), "/healthz", dir.file("var/tls/api.crt")).status == 200);
}

BOOST_AUTO_TEST_SUITE_END()
