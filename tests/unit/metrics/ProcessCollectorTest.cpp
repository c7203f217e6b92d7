#include "ProcessCollector.h"

#include <boost/test/unit_test.hpp>

#include <set>

using kiod::metrics::ProcessCollector;

BOOST_AUTO_TEST_SUITE(process_collector)

BOOST_AUTO_TEST_CASE(stat_line_with_spaces_and_parentheses_in_the_name_is_parsed) {
    // Fields 14/15 utime/stime = 250/150 ticks, 22 starttime = 1000 ticks,
    // 23 vsize = 4096000 bytes, 24 rss = 300 pages.
    std::string line =
        "4242 (kiod (worker) 1) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 150 0 0 20 0 8 0 1000 "
        "4096000 300 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";
    auto stat = ProcessCollector::parseStat(line, 100, 4096);
    BOOST_REQUIRE(stat);
    BOOST_TEST(stat->cpuSeconds == 4.0);
    BOOST_TEST(stat->startTimeSeconds == 10.0);
    BOOST_TEST(stat->virtualBytes == 4096000.0);
    BOOST_TEST(stat->residentBytes == 300.0 * 4096);
}

BOOST_AUTO_TEST_CASE(truncated_stat_line_is_rejected) {
    BOOST_TEST(!ProcessCollector::parseStat("4242 (kiod) S 1 2 3", 100, 4096));
    BOOST_TEST(!ProcessCollector::parseStat("garbage", 100, 4096));
}

BOOST_AUTO_TEST_CASE(collects_the_standard_process_families_of_this_process) {
    auto families = ProcessCollector().Collect();
    std::set<std::string> names;
    double residentBytes = 0;
    for (const auto& family : families) {
        names.insert(family.name);
        if (family.name == "process_resident_memory_bytes") {
            residentBytes = family.metric.at(0).gauge.value;
        }
    }
    BOOST_TEST(names ==
               (std::set<std::string>{"process_cpu_seconds_total", "process_resident_memory_bytes",
                                      "process_virtual_memory_bytes", "process_start_time_seconds",
                                      "process_open_fds", "process_max_fds"}));
    BOOST_TEST(residentBytes > 1024 * 1024);
}

BOOST_AUTO_TEST_SUITE_END()
