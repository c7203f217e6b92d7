// HTTP/1.1 as kiod's listeners speak it on the wire, checked with raw
// sockets: keep-alive, pipelining, 100-continue, malformed requests, slow
// and idle clients, and a full worker pool.
#include "HttpClient.h"
#include "KiodProcess.h"
#include "RawConnection.h"

#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/String.h>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <thread>

using namespace kiod::test;

namespace {

// Takes the one request `kiod`'s api listener admits with `busy` (a /slow
// one, running until it has finished), then checks that another request
// gets 429 with Retry-After, and returns that answer. Event-loop routes are
// still served meanwhile.
std::string refusedWhileBusy(const KiodProcess& kiod, RawConnection& busy) {
    busy.send("GET /slow?ms=1000 HTTP/1.1\r\n\r\n");
    busy.readUntil("started\n");
    RawConnection refused(kiod.url("api"));
    refused.send("GET /slow HTTP/1.1\r\n\r\n");
    auto answer = refused.readToEnd();
    BOOST_TEST(answer.rfind("HTTP/1.1 429 Too Many Requests\r\n", 0) == 0, answer);
    BOOST_TEST(answer.find("Retry-After: 1\r\n") != std::string::npos, answer);
    BOOST_TEST(answer.find(R"("reason":"TooManyRequests")") != std::string::npos, answer);
    BOOST_TEST(get(kiod.url("api"), "/livez").status == 200);
    return answer;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(http_protocol)

BOOST_AUTO_TEST_CASE(pipelined_requests_are_answered_in_order_on_one_connection) {
    TempDir dir;
    KiodProcess kiod(dir, baseConfig(dir));
    RawConnection connection(kiod.url("api"));
    connection.send(
        "GET /livez HTTP/1.1\r\nHost: x\r\n\r\n"
        "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n"
        "GET /readyz/metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    auto answers = connection.readToEnd();
    auto first = answers.find("HTTP/1.1 200 OK");
    auto second = answers.find("HTTP/1.1 404 Not Found");
    auto third = answers.find("HTTP/1.1 200 OK", second);
    BOOST_TEST((first != std::string::npos && first < second && second < third &&
                third != std::string::npos),
               answers);
    BOOST_TEST(count(answers, "HTTP/1.1 ") == 3);
}

BOOST_AUTO_TEST_CASE(malformed_request_gets_a_400_status_and_the_connection_closes) {
    TempDir dir;
    KiodProcess kiod(dir, baseConfig(dir));
    RawConnection connection(kiod.url("api"));
    connection.send("GET /livez HTTP/1.1\r\nthis is no header\r\n\r\n");
    auto answer = connection.readToEnd();
    BOOST_TEST(answer.rfind("HTTP/1.1 400 Bad Request\r\n", 0) == 0, answer);
    BOOST_TEST(answer.find(R"("reason":"BadRequest","code":400)") != std::string::npos, answer);
    // and kiod serves others as before
    BOOST_TEST(get(kiod.url("api"), "/livez").status == 200);
}

BOOST_AUTO_TEST_CASE(http_1_0_and_connection_close_end_the_connection_after_the_answer) {
    TempDir dir;
    KiodProcess kiod(dir, baseConfig(dir));
    RawConnection old(kiod.url("api"));
    old.send("GET /livez HTTP/1.0\r\n\r\n");
    auto answer = old.readToEnd();
    BOOST_TEST(Poco::toLower(answer).find("connection: close") != std::string::npos, answer);
    BOOST_TEST(answer.substr(answer.size() - 2) == "ok");

    RawConnection closing(kiod.url("api"));
    closing.send("GET /livez HTTP/1.1\r\nConnection: close\r\n\r\n");
    BOOST_TEST(count(closing.readToEnd(), "HTTP/1.1 200 OK") == 1);
}

BOOST_AUTO_TEST_CASE(expect_continue_gets_100_before_the_body_is_sent) {
    TempDir dir;
    KiodProcess kiod(dir, baseConfig(dir));
    RawConnection connection(kiod.url("api"));
    connection.send("POST /livez HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n");
    BOOST_TEST(connection.readUntil("\r\n\r\n") == "HTTP/1.1 100 Continue\r\n\r\n");
    connection.send("{}");
    BOOST_TEST(connection.readUntil("MethodNotAllowed").find("HTTP/1.1 405") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(idle_and_slow_clients_are_disconnected) {
    TempDir dir;
    KiodProcess kiod(dir, baseConfig(dir),
                     {"--set", "listener.api.keep_alive_timeout=200ms", "--set",
                      "listener.api.idle_timeout=200ms"});
    RawConnection idle(kiod.url("api"));
    idle.send("GET /livez HTTP/1.1\r\n\r\n");
    auto answer = idle.readToEnd();  // returns once kiod closes the idle connection
    BOOST_TEST(count(answer, "HTTP/1.1 200 OK") == 1, answer);

    RawConnection slow(kiod.url("api"));
    slow.send("GET /livez HTTP/1.1\r\nHost: ");  // and never more
    BOOST_TEST(slow.readToEnd().empty());
}

BOOST_AUTO_TEST_CASE(full_worker_pool_answers_429_with_retry_after) {
    TempDir dir;
    KiodProcess kiod(dir, baseConfig(dir, "slowroute"),
                     {"--set", "listener.api.threads=1", "--set", "listener.api.max_queued=0"});
    RawConnection busy(kiod.url("api"));
    refusedWhileBusy(kiod, busy);  // the only worker is taken
    BOOST_TEST(busy.readUntil("finished\n").find("finished\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(oversized_requests_get_413_414_and_431_from_the_listeners_limits) {
    TempDir dir;
    KiodProcess kiod(
        dir, baseConfig(dir),
        {"--set", "listener.api.max_body_size=1KiB", "--set", "listener.api.max_url_size=2KiB",
         "--set", "listener.api.max_header_size=8KiB"});
    struct Case {
        std::string request;
        std::string statusLine;
        std::string reason;
    };
    std::vector<Case> cases = {
        {"POST /livez HTTP/1.1\r\nContent-Length: 1025\r\n\r\n",
         "HTTP/1.1 413 Request Entity Too Large", R"("reason":"RequestEntityTooLarge")"},
        {"GET /" + std::string(3000, 'u') + " HTTP/1.1\r\n\r\n",
         "HTTP/1.1 414 Request-URI Too Large", R"("reason":"RequestURITooLong")"},
        {"GET /livez HTTP/1.1\r\nX: " + std::string(9000, 'h') + "\r\n\r\n",
         "HTTP/1.1 431 Request Header Fields Too Large",
         R"("reason":"RequestHeaderFieldsTooLarge")"},
    };
    for (const auto& c : cases) {
        RawConnection connection(kiod.url("api"));
        connection.send(c.request);
        auto answer = connection.readToEnd();  // and the connection closes
        BOOST_TEST(answer.rfind(c.statusLine + "\r\n", 0) == 0, answer);
        BOOST_TEST(answer.find(c.reason) != std::string::npos, answer);
    }
    // The metrics listener keeps the defaults.
    RawConnection metrics(kiod.url("metrics"));
    metrics.send("POST /livez HTTP/1.1\r\nContent-Length: 1025\r\nConnection: close\r\n\r\n" +
                 std::string(1025, 'b'));
    BOOST_TEST(metrics.readToEnd().rfind("HTTP/1.1 405", 0) == 0);
}

// Regression: a malformed escape in the query was a 500 InternalError (the
// hostile-input test found it).
BOOST_AUTO_TEST_CASE(a_malformed_query_escape_is_a_bad_request) {
    TempDir dir;
    KiodProcess kiod(dir, baseConfig(dir));
    // The last is read by the authorizer (is a GET of a collection a
    // watch?) before any handler.
    for (const char* target : {"/readyz?exclude=%ZZ", "/readyz?verbose&exclude=%5",
                               "/apis/actions.kio.kasten.io/v1alpha1/backupactions?watch=%ZZ"}) {
        auto answer = get(kiod.url("api"), target);
        BOOST_TEST(answer.status == 400, target);
        BOOST_TEST(answer.body.find(R"("reason":"BadRequest")") != std::string::npos, answer.body);
        BOOST_TEST(answer.body.find("the request's query is malformed") != std::string::npos,
                   answer.body);
    }
}

BOOST_AUTO_TEST_CASE(requests_beyond_max_requests_get_429_with_retry_after) {
    TempDir dir;
    KiodProcess kiod(dir, baseConfig(dir, "slowroute"),
                     {"--set", "listener.api.threads=4", "--set", "listener.api.max_requests=1"});
    RawConnection busy(kiod.url("api"));
    auto answer = refusedWhileBusy(kiod, busy);  // the one request allowed is in progress
    BOOST_TEST(answer.find("as many requests in progress as it may (1)") != std::string::npos,
               answer);
    busy.readUntil("finished\n");
    // The request is over: the next one is admitted once its handler has
    // returned, which may come a moment after the client read its last
    // line, so ask until it is (bounded).
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    int status = 0;
    while ((status = get(kiod.url("api"), "/slow?ms=1").status) == 429 &&
           std::chrono::steady_clock::now() < deadline) {
    }
    BOOST_TEST(status == 200);
}

BOOST_AUTO_TEST_CASE(slowloris_connections_are_cut_after_read_timeout_while_others_are_served) {
    TempDir dir;
    KiodProcess kiod(dir, baseConfig(dir),
                     {"--set", "listener.api.read_timeout=1s", "--set",
                      "listener.api.idle_timeout=1h", "--set", "listener.api.tls.auto=true"});
    // Each sends a header byte every 50 ms: never idle, never done.
    std::vector<std::unique_ptr<RawConnection>> trickling;
    for (int i = 0; i < 50; ++i) {
        trickling.push_back(std::make_unique<RawConnection>(kiod.url("api")));
        trickling.back()->send("GET /livez HTTP/1.1\r\nX-Slow: ");
    }
    auto start = std::chrono::steady_clock::now();
    auto deadline = start + std::chrono::seconds(15);
    std::size_t cut = 0;
    int served = 0;
    while (cut < trickling.size() && std::chrono::steady_clock::now() < deadline) {
        for (auto& connection : trickling) {
            if (!connection) {
                continue;
            }
            try {
                connection->send("a");
            } catch (const Poco::Exception&) {
                connection.reset();  // kiod closed it: the send after that fails
                ++cut;
            }
        }
        BOOST_TEST_REQUIRE(get(kiod.url("api"), "/livez").status == 200);
        ++served;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the trickle's pace
    }
    auto elapsed = std::chrono::steady_clock::now() - start;
    BOOST_TEST(cut == trickling.size());
    BOOST_TEST(elapsed >= std::chrono::seconds(1));
    BOOST_TEST_MESSAGE("slowloris: "
                       << cut << " connections cut after "
                       << std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count()
                       << " ms; " << served << " requests served meanwhile");
}

BOOST_AUTO_TEST_CASE(idle_connections_hold_no_worker) {
    TempDir dir;
    KiodProcess kiod(dir, baseConfig(dir, "slowroute"), {"--set", "listener.api.threads=2"});
    std::vector<std::unique_ptr<RawConnection>> idle;
    for (int i = 0; i < 100; ++i) {
        idle.push_back(std::make_unique<RawConnection>(kiod.url("api")));
        idle.back()->send("GET /slow HTTP/1.1\r\n\r\n");
    }
    for (auto& connection : idle) {
        connection->readUntil("finished\n");  // answered; the connection stays open, idle
    }
    auto response = get(kiod.url("api"), "/slow?ms=1");
    BOOST_TEST(response.status == 200);
    BOOST_TEST(response.body == "started\nfinished\n");
}

BOOST_AUTO_TEST_CASE(a_client_that_does_not_read_its_answer_holds_no_compute_thread) {
    TempDir dir;
    KiodProcess kiod(dir, baseConfig(dir, "slowroute"),
                     {"--set", "listener.api.compute_threads=1"});
    // More than the socket buffers hold while the client reads nothing.
    RawConnection stalled(kiod.url("api"));
    stalled.send("GET /bulk?mib=6 HTTP/1.1\r\n\r\n");
    stalled.readUntil("\r\n\r\n");
    // The one compute thread has handed the rest to the event loop.
    auto other = get(kiod.url("api"), "/bulk?mib=1");
    BOOST_TEST(other.status == 200);
    BOOST_TEST(other.body.size() == 1024u * 1024u);
    // And the loop sends the stalled answer whole once its client reads.
    BOOST_TEST(stalled.readResponse() == 200);
    BOOST_TEST(get(kiod.url("api"), "/livez").status == 200);
}

BOOST_AUTO_TEST_SUITE_END()
