#include "RequestParser.h"

#include <boost/test/unit_test.hpp>

using kiod::RequestParser;
using State = RequestParser::State;

BOOST_AUTO_TEST_SUITE(request_parser)

BOOST_AUTO_TEST_CASE(parses_a_request_with_a_body) {
    std::string input =
        "POST /apis/x?dryRun=All HTTP/1.1\r\nHost: kiod\r\nContent-Type:  application/json \r\n"
        "Content-Length: 7\r\n\r\n{\"a\":1}GET / HTTP/1.1\r\n\r\n";
    RequestParser parser;
    BOOST_REQUIRE(parser.parse(input) == State::kComplete);
    const auto& request = parser.request();
    BOOST_TEST(request.method == "POST");
    BOOST_TEST(request.target == "/apis/x?dryRun=All");
    BOOST_TEST(request.version == "HTTP/1.1");
    BOOST_TEST(request.body == "{\"a\":1}");
    BOOST_REQUIRE(request.headers.size() == 3u);
    BOOST_TEST(request.headers[1].second == "application/json");  // trimmed
    // The next (pipelined) request starts right after.
    BOOST_TEST(input.substr(parser.consumed()) == "GET / HTTP/1.1\r\n\r\n");
}

BOOST_AUTO_TEST_CASE(waits_for_the_whole_head_and_body) {
    std::string input = "PUT /x HTTP/1.1\r\nContent-Length: 4\r\n";
    RequestParser parser;
    BOOST_TEST((parser.parse(input) == State::kIncomplete));
    input += "\r\nab";
    BOOST_TEST((parser.parse(input) == State::kHeadComplete));
    input += "cd";
    BOOST_TEST((parser.parse(input) == State::kComplete));
    BOOST_TEST(parser.request().body == "abcd");
}

BOOST_AUTO_TEST_CASE(notices_expect_continue) {
    RequestParser parser;
    BOOST_TEST(
        (parser.parse("POST /x HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n") ==
         State::kHeadComplete));
    BOOST_TEST(parser.request().expectContinue);
}

BOOST_AUTO_TEST_CASE(rejects_malformed_requests_with_the_right_status) {
    struct Case {
        std::string input;
        int status;
    };
    std::vector<Case> cases = {
        {"GET\r\n\r\n", 400},
        {"GET /x\r\n\r\n", 400},
        {"GET x HTTP/1.1\r\n\r\n", 400},
        {"G(T /x HTTP/1.1\r\n\r\n", 400},
        {"GET /x HTTP/2.0\r\n\r\n", 505},
        {"GET /x HTTP/1.1\r\nno colon here\r\n\r\n", 400},
        {"GET /x HTTP/1.1\r\nBad Name: v\r\n\r\n", 400},
        {"POST /x HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400},
        {"POST /x HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400},
        {"POST /x HTTP/1.1\r\nContent-Length: 999999999\r\n\r\n", 413},
        {"POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", 501},
        {"GET /x HTTP/1.1\r\nX: " + std::string(70 * 1024, 'a') + "\r\n\r\n", 431},
        {"GET /x HTTP/1.1\r\nX: " + std::string(70 * 1024, 'a'), 431},  // never ends
    };
    for (const auto& c : cases) {
        RequestParser parser;
        BOOST_TEST((parser.parse(c.input) == State::kError), c.input.substr(0, 60));
        BOOST_TEST(parser.errorStatus() == c.status, c.input.substr(0, 60));
        BOOST_TEST(!parser.errorReason().empty());
    }
}

BOOST_AUTO_TEST_CASE(reset_starts_the_next_request) {
    RequestParser parser;
    BOOST_REQUIRE(parser.parse("GET /a HTTP/1.1\r\n\r\n") == State::kComplete);
    parser.reset();
    BOOST_REQUIRE(parser.parse("GET /b HTTP/1.0\r\n\r\n") == State::kComplete);
    BOOST_TEST(parser.request().target == "/b");
    BOOST_TEST(parser.request().headers.empty());
}

BOOST_AUTO_TEST_CASE(limits_are_the_listeners) {
    kiod::RequestLimits limits;
    limits.maxHeaderBytes = 2048;
    limits.maxUrlBytes = 300;
    limits.maxBodyBytes = 10;
    struct Case {
        std::string input;
        int status;
        std::string reason;
    };
    std::vector<Case> cases = {
        {"POST /x HTTP/1.1\r\nContent-Length: 11\r\n\r\n", 413, "larger than 10"},
        {"GET /x HTTP/1.1\r\nX: " + std::string(2100, 'a') + "\r\n\r\n", 431, "2KiB"},
        {"GET /" + std::string(300, 'a') + " HTTP/1.1\r\n\r\n", 414, "300"},
        // refused before the line ends
        {"GET /" + std::string(400, 'a'), 414, "longer than 300"},
    };
    for (const auto& c : cases) {
        RequestParser parser(limits);
        BOOST_TEST((parser.parse(c.input) == State::kError), c.input.substr(0, 60));
        BOOST_TEST(parser.errorStatus() == c.status, c.input.substr(0, 60));
        BOOST_TEST(parser.errorReason().find(c.reason) != std::string::npos, parser.errorReason());
    }
    RequestParser parser(limits);
    BOOST_TEST(
        (parser.parse("POST /" + std::string(299, 'a') +
                      " HTTP/1.1\r\nContent-Length: 10\r\n\r\n0123456789") == State::kComplete));
}

BOOST_AUTO_TEST_CASE(a_head_that_arrives_byte_by_byte_is_parsed_once_whole) {
    std::string request = "GET /" + std::string(100, 'u') +
                          " HTTP/1.1\r\nHost: kiod\r\nX: y\r\n\r\nGET /next HTTP/1.1\r\n";
    RequestParser parser;
    std::string input;
    auto state = State::kIncomplete;
    for (char c : request) {
        input += c;
        state = parser.parse(input);
        if (state != State::kIncomplete) {
            break;
        }
    }
    BOOST_REQUIRE(state == State::kComplete);
    BOOST_TEST(parser.request().headers.size() == 2u);
    BOOST_TEST(input.size() == parser.consumed());
}

BOOST_AUTO_TEST_SUITE_END()
