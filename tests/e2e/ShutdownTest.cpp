// SIGTERM and SIGINT as systemd and container runtimes send them.
#include "HttpClient.h"
#include "KiodProcess.h"

#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <boost/test/unit_test.hpp>

#include <csignal>

using namespace kiod::test;
using std::chrono::seconds;

namespace {

// GET /slow?ms=N, in flight: the handler has answered its first line.
class SlowRequest {
public:
    SlowRequest(const std::string& url, int ms) : session_(openSession(url)) {
        Poco::Net::HTTPRequest request("GET", "/slow?ms=" + std::to_string(ms),
                                       Poco::Net::HTTPMessage::HTTP_1_1);
        session_->sendRequest(request);
        body_ = &session_->receiveResponse(response_);
        std::string first;
        std::getline(*body_, first);
        BOOST_REQUIRE(first == "started");
    }

    // The rest of the body, up to the end of the response.
    std::string rest() {
        std::string rest;
        Poco::StreamCopier::copyToString(*body_, rest);
        return rest;
    }

private:
    std::unique_ptr<Poco::Net::HTTPClientSession> session_;
    Poco::Net::HTTPResponse response_;
    std::istream* body_ = nullptr;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(graceful_stop)

BOOST_AUTO_TEST_CASE(sigterm_lets_a_slow_request_finish_then_exits_0) {
    TempDir dir;
    KiodProcess kiod(dir, baseConfig(dir, "metrics, slowroute"));

    SlowRequest slow(kiod.url("api"), 700);

    kiod.signal(SIGTERM);
    BOOST_TEST(kiod.waitForNotify("STOPPING=1", seconds(10)));
    BOOST_TEST(slow.rest() == "finished\n");
    BOOST_TEST(kiod.waitExit(seconds(10)) == 0, kiod.stderrText());
}

BOOST_AUTO_TEST_CASE(sigint_on_an_idle_kiod_exits_0_and_stops_modules) {
    TempDir dir;
    KiodProcess kiod(dir, baseConfig(dir));
    // An idle keep-alive connection must not hold the shutdown up.
    auto session = openSession(kiod.url("api"));
    Poco::Net::HTTPRequest request("GET", "/livez", Poco::Net::HTTPMessage::HTTP_1_1);
    session->sendRequest(request);
    Poco::Net::HTTPResponse response;
    std::string ignored;
    Poco::StreamCopier::copyToString(session->receiveResponse(response), ignored);

    kiod.signal(SIGINT);
    BOOST_TEST(kiod.waitExit(seconds(5)) == 0, kiod.stderrText());
    BOOST_TEST(kiod.stderrText().find("module metrics stopped") != std::string::npos,
               kiod.stderrText());
}

BOOST_AUTO_TEST_CASE(requests_beyond_the_grace_period_are_cut_and_kiod_still_exits_0) {
    TempDir dir;
    KiodProcess kiod(dir, baseConfig(dir, "slowroute"), {"--set", "kiod.shutdown_grace=100ms"});
    SlowRequest slow(kiod.url("api"), 1000);

    kiod.signal(SIGTERM);
    BOOST_TEST(kiod.waitExit(seconds(10)) == 0, kiod.stderrText());
    BOOST_TEST(kiod.stderrText().find("1 requests still running after the grace period") !=
                   std::string::npos,
               kiod.stderrText());
}

BOOST_AUTO_TEST_SUITE_END()
