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

using namespace kiod::test;

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
    busy.send("GET /slow?ms=500 HTTP/1.1\r\n\r\n");
    busy.readUntil("started\n");  // the only worker is taken

    RawConnection refused(kiod.url("api"));
    refused.send("GET /slow HTTP/1.1\r\n\r\n");
    auto answer = refused.readToEnd();
    BOOST_TEST(answer.rfind("HTTP/1.1 429 Too Many Requests\r\n", 0) == 0, answer);
    BOOST_TEST(answer.find("Retry-After: 1\r\n") != std::string::npos);
    BOOST_TEST(answer.find(R"("reason":"TooManyRequests")") != std::string::npos);
    // Routes that run on the event loop are still served.
    BOOST_TEST(get(kiod.url("api"), "/livez").status == 200);
    BOOST_TEST(busy.readUntil("finished\n").find("finished\n") != std::string::npos);
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

BOOST_AUTO_TEST_SUITE_END()
