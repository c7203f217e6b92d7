// Answers deferred by their handlers (RouteRequest::defer) on the wire,
// through the slowroute module's GET /later, which its own thread answers.
#include "HttpClient.h"
#include "KiodProcess.h"
#include "RawConnection.h"

#include <boost/test/unit_test.hpp>

#include <csignal>

using namespace kiod::test;
using std::chrono::seconds;

BOOST_AUTO_TEST_SUITE(deferred_answers)

BOOST_AUTO_TEST_CASE(the_event_loop_serves_others_while_an_answer_is_deferred) {
    TempDir dir;
    KiodProcess kiod(dir, baseConfig(dir, "slowroute"), {"--set", "listener.api.io_threads=1"});
    RawConnection later(kiod.url("api"));
    later.send("GET /later?ms=1000 HTTP/1.1\r\n\r\n");
    // The one loop that took it answers another client meanwhile.
    BOOST_TEST(get(kiod.url("api"), "/livez").status == 200);
    auto answer = later.readUntil("later\n");
    BOOST_TEST(answer.rfind("HTTP/1.1 200 OK\r\n", 0) == 0, answer);
}

BOOST_AUTO_TEST_CASE(requests_behind_a_deferred_answer_wait_and_are_answered_in_order) {
    TempDir dir;
    KiodProcess kiod(dir, baseConfig(dir, "slowroute"));
    RawConnection connection(kiod.url("api"));
    connection.send(
        "GET /later?ms=50 HTTP/1.1\r\n\r\n"
        "GET /livez HTTP/1.1\r\nConnection: close\r\n\r\n");
    auto answers = connection.readToEnd();
    auto later = answers.find("later\n");
    auto livez = answers.find("HTTP/1.1 200 OK", answers.find("HTTP/1.1 200 OK") + 1);
    BOOST_TEST((later != std::string::npos && livez != std::string::npos && later < livez),
               answers);
}

BOOST_AUTO_TEST_CASE(an_answer_let_go_of_unanswered_is_a_500_status) {
    TempDir dir;
    KiodProcess kiod(dir, baseConfig(dir, "slowroute"));
    auto dropped = get(kiod.url("api"), "/later?drop=1");
    BOOST_TEST(dropped.status == 500);
    BOOST_TEST(dropped.body.find(R"("reason":"InternalError")") != std::string::npos, dropped.body);
}

BOOST_AUTO_TEST_CASE(a_client_gone_before_its_answer_leaves_kiod_serving) {
    TempDir dir;
    KiodProcess kiod(dir, baseConfig(dir, "slowroute"));
    {
        RawConnection gone(kiod.url("api"));
        gone.send("GET /later?ms=100 HTTP/1.1\r\n\r\n");
    }
    // Answered after the first one's answer found no client.
    RawConnection after(kiod.url("api"));
    after.send("GET /later?ms=300 HTTP/1.1\r\n\r\n");
    BOOST_TEST(after.readResponse() == 200);
    BOOST_TEST(get(kiod.url("api"), "/livez").status == 200);
}

BOOST_AUTO_TEST_CASE(sigterm_waits_for_a_deferred_answer_then_exits_0) {
    TempDir dir;
    KiodProcess kiod(dir, baseConfig(dir, "slowroute"));
    RawConnection connection(kiod.url("api"));
    // Read together, so that the second is taken once the first is answered.
    connection.send(
        "GET /livez HTTP/1.1\r\n\r\n"
        "GET /later?ms=500 HTTP/1.1\r\n\r\n");
    BOOST_TEST(connection.readResponse() == 200);
    kiod.signal(SIGTERM);
    auto answer = connection.readUntil("later\n");
    BOOST_TEST(answer.rfind("HTTP/1.1 200 OK\r\n", 0) == 0, answer);
    BOOST_TEST(answer.find("\r\nConnection: Close\r\n") != std::string::npos, answer);
    BOOST_TEST(kiod.waitExit(seconds(10)) == 0, kiod.stderrText());
}

BOOST_AUTO_TEST_SUITE_END()
