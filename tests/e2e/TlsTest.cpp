// HTTPS listeners: a configured certificate, or one kiod generates.
#include "HttpClient.h"
#include "KiodProcess.h"
#include "SelfSignedCertificate.h"
#include "TlsHandshake.h"

#include <Poco/Crypto/X509Certificate.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/SSLException.h>
#include <Poco/StreamCopier.h>
#include <boost/test/unit_test.hpp>
#include <openssl/ssl.h>

#include <chrono>
#include <filesystem>
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

// Copies `from` over `to` as kubelet and cert-manager replace a file: a new
// file renamed into place.
void replace(const std::string& from, const std::string& to) {
    std::filesystem::copy_file(from, to + ".new",
                               std::filesystem::copy_options::overwrite_existing);
    chmod((to + ".new").c_str(), 0600);
    std::filesystem::rename(to + ".new", to);
}

// Handshakes until the server presents `certFile`, for at most 10 s.
bool servesWithin10s(const std::string& url, const std::string& certFile) {
    Poco::Crypto::X509Certificate wanted(certFile);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
        auto answer = handshake(url);
        if (answer.ok && answer.certificate && answer.certificate->equals(wanted)) {
            return true;
        }
    }
    return false;
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

BOOST_AUTO_TEST_CASE(tls_1_1_and_older_are_refused) {
    TempDir dir;
    KiodProcess kiod(dir, baseConfig(dir), {"--set", "listener.api.tls.auto=true"});
    for (int version : {TLS1_VERSION, TLS1_1_VERSION}) {
        auto old = handshake(kiod.url("api"), {version, ""});
        BOOST_TEST(!old.ok);
        // the server's alert, not the client's own refusal
        BOOST_TEST(old.error.find("alert protocol version") != std::string::npos, old.error);
    }
    auto current = handshake(kiod.url("api"), {TLS1_2_VERSION, ""});
    BOOST_TEST(current.ok, current.error);
    BOOST_TEST(current.protocol == "TLSv1.2");
    auto modern = handshake(kiod.url("api"));
    BOOST_TEST(modern.protocol == "TLSv1.3");
}

BOOST_AUTO_TEST_CASE(tls_1_2_offers_only_forward_secret_aead_suites) {
    TempDir dir;
    KiodProcess kiod(dir, baseConfig(dir), {"--set", "listener.api.tls.auto=true"});
    // CBC (with SHA-1 or SHA-2), static RSA key exchange: a client offering
    // only these gets a handshake failure.
    for (const char* weak : {"ECDHE-ECDSA-AES128-SHA", "ECDHE-ECDSA-AES128-SHA256",
                             "ECDHE-ECDSA-AES256-SHA384", "AES128-GCM-SHA256"}) {
        auto refused = handshake(kiod.url("api"), {TLS1_2_VERSION, weak});
        BOOST_TEST(!refused.ok, weak);
        BOOST_TEST(refused.error.find("alert handshake failure") != std::string::npos,
                   weak << ": " << refused.error);
    }
    auto strong = handshake(kiod.url("api"), {TLS1_2_VERSION, "ECDHE-ECDSA-AES128-GCM-SHA256"});
    BOOST_TEST(strong.ok, strong.error);
    BOOST_TEST(strong.cipher == "ECDHE-ECDSA-AES128-GCM-SHA256");
}

BOOST_AUTO_TEST_CASE(a_rotated_certificate_is_served_without_a_restart) {
    TempDir dir;
    auto first = kiod::SelfSignedCertificate::ensure(dir.file("first"), "api", "127.0.0.1");
    auto second = kiod::SelfSignedCertificate::ensure(dir.file("second"), "api", "127.0.0.1");
    std::filesystem::create_directory(dir.file("live"));
    auto cert = dir.file("live/tls.crt");
    auto key = dir.file("live/tls.key");
    replace(first.certFile, cert);
    replace(first.keyFile, key);
    KiodProcess kiod(
        dir, baseConfig(dir),
        {"--set", "listener.api.tls.cert=" + cert, "--set", "listener.api.tls.key=" + key});
    BOOST_TEST(handshake(kiod.url("api"))
                   .certificate->equals(Poco::Crypto::X509Certificate(first.certFile)));
    auto kept = getVerified(kiod.url("api"), "/healthz", first.certFile);  // a connection open

    replace(second.keyFile, key);
    replace(second.certFile, cert);
    BOOST_TEST(servesWithin10s(kiod.url("api"), second.certFile));
    BOOST_TEST(getVerified(kiod.url("api"), "/healthz", second.certFile).status == 200);

    // A key that does not go with the certificate: the last good pair stays.
    replace(first.keyFile, key);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (kiod.stderrText().find("cannot load the new one") == std::string::npos &&
           std::chrono::steady_clock::now() < deadline) {
        handshake(kiod.url("api"));
    }
    BOOST_TEST(kiod.stderrText().find("listener api: keeping the TLS certificate it has") !=
                   std::string::npos,
               kiod.stderrText());
    BOOST_TEST(handshake(kiod.url("api"))
                   .certificate->equals(Poco::Crypto::X509Certificate(second.certFile)));
    BOOST_TEST(kept.status == 200);
}

BOOST_AUTO_TEST_CASE(a_key_others_can_read_is_refused_at_start_naming_it) {
    TempDir dir;
    auto own = kiod::SelfSignedCertificate::ensure(dir.file("pki"), "api", "127.0.0.1");
    chmod(own.keyFile.c_str(), 0644);
    dir.write("kiod.ini", baseConfig(dir));
    auto result =
        runKiod({"--config", dir.file("kiod.ini"), "--set", "listener.api.tls.cert=" + own.certFile,
                 "--set", "listener.api.tls.key=" + own.keyFile});
    BOOST_TEST(result.exitCode == 78);
    BOOST_TEST(result.err.find("kiod: configuration error: listener.api.tls.key: '" + own.keyFile +
                               "' has mode 0644") == 0,
               result.err);
}

BOOST_AUTO_TEST_SUITE_END()
