// What kiod writes to standard error, where journald and container runtimes
// collect it.
#include "HttpClient.h"
#include "KiodProcess.h"

#include <Poco/JSON/Parser.h>
#include <boost/test/unit_test.hpp>

#include <csignal>
#include <sstream>

using namespace kiod::test;

BOOST_AUTO_TEST_SUITE(logging)

BOOST_AUTO_TEST_CASE(access_log_has_a_line_per_request) {
    TempDir dir;
    KiodProcess kiod(dir, baseConfig(dir), {"--set", "log.access=true"});
    get(kiod.url("api"), "/livez");
    get(kiod.url("api"), "/nope");
    kiod.signal(SIGTERM);
    BOOST_REQUIRE(kiod.waitExit(std::chrono::seconds(10)) == 0);
    auto log = kiod.stderrText();
    BOOST_TEST(log.find("kiod.access: api GET /livez 200 ") != std::string::npos, log);
    BOOST_TEST(log.find("kiod.access: api GET /nope 404 ") != std::string::npos, log);
    BOOST_TEST(log.find("route=unmatched") != std::string::npos, log);
}

BOOST_AUTO_TEST_CASE(json_format_writes_one_object_per_line) {
    TempDir dir;
    KiodProcess kiod(dir, baseConfig(dir), {"--set", "log.format=json"});
    kiod.signal(SIGTERM);
    BOOST_REQUIRE(kiod.waitExit(std::chrono::seconds(10)) == 0);
    std::istringstream lines(kiod.stderrText());
    int count = 0;
    for (std::string line; std::getline(lines, line); ++count) {
        auto object = Poco::JSON::Parser().parse(line).extract<Poco::JSON::Object::Ptr>();
        BOOST_TEST(object->has("time"));
        BOOST_TEST(object->getValue<std::string>("logger").rfind("kiod", 0) == 0u, line);
        BOOST_TEST(!object->getValue<std::string>("message").empty());
    }
    BOOST_TEST(count >= 4);  // starting, module started, listeners, stopping...
}

BOOST_AUTO_TEST_SUITE_END()
