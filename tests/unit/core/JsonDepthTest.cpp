#include <kiod/JsonDepth.h>

#include <boost/test/unit_test.hpp>

#include <string>

using kiod::jsonTooDeep;
using kiod::kMaxJsonDepth;

BOOST_AUTO_TEST_SUITE(json_depth)

BOOST_AUTO_TEST_CASE(nesting_up_to_the_limit_passes_and_one_more_does_not) {
    auto nested = [](std::size_t depth) {
        std::string text;
        for (std::size_t i = 0; i < depth; ++i) {
            text += i % 2 ? "[" : "{\"a\":";
        }
        return text;
    };
    BOOST_TEST(!jsonTooDeep(nested(kMaxJsonDepth)));
    BOOST_TEST(jsonTooDeep(nested(kMaxJsonDepth + 1)));
    BOOST_TEST(jsonTooDeep(std::string(8 * 1024 * 1024, '[')));
    // siblings do not add up
    std::string wide;
    for (int i = 0; i < 5000; ++i) {
        wide += "[[]]";
    }
    BOOST_TEST(!jsonTooDeep("[" + wide + "]"));
}

BOOST_AUTO_TEST_CASE(brackets_in_strings_do_not_count) {
    std::string brackets(kMaxJsonDepth * 2, '[');
    BOOST_TEST(!jsonTooDeep(R"({"a":")" + brackets + R"("})"));
    // an escaped quote does not end the string
    BOOST_TEST(!jsonTooDeep(R"({"a":"\")" + brackets + R"("})"));
    // an escaped backslash does
    BOOST_TEST(jsonTooDeep(R"({"a":"\\",)" + brackets + "}"));
}

BOOST_AUTO_TEST_SUITE_END()
