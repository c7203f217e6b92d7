#include "LabelSelector.h"

#include <boost/test/unit_test.hpp>

using kiod::catalog::LabelSelector;
using Labels = std::map<std::string, std::string>;
using Op = LabelSelector::Operator;

namespace {

// The labels a backup platform puts on a restore point.
const Labels kRestorePoint = {{"k10.kasten.io/appName", "mysql"},
                              {"k10.kasten.io/appNamespace", "mysql"},
                              {"k10.kasten.io/policyName", "daily"}};

bool selects(const std::string& text, const Labels& labels = kRestorePoint) {
    auto selector = LabelSelector::parse(text);
    BOOST_REQUIRE_MESSAGE(selector.isOk(), text << ": " << selector.status().message());
    return selector->matches(labels);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(label_selector)

BOOST_AUTO_TEST_CASE(every_operator_selects_as_kubernetes_does) {
    struct Case {
        std::string selector;
        bool selected;
    };
    std::vector<Case> cases = {
        {"", true},
        {"k10.kasten.io/policyName=daily", true},
        {"k10.kasten.io/policyName==daily", true},
        {"k10.kasten.io/policyName=hourly", false},
        {"k10.kasten.io/policyName!=hourly", true},
        {"k10.kasten.io/policyName!=daily", false},
        {"missing!=x", true},  // != selects objects without the key
        {"k10.kasten.io/appName in (mysql,postgres)", true},
        {"k10.kasten.io/appName in (postgres)", false},
        {"k10.kasten.io/appName notin (postgres, redis)", true},
        {"k10.kasten.io/appName notin (mysql)", false},
        {"missing notin (x)", true},  // so does notin
        {"k10.kasten.io/appName", true},
        {"missing", false},
        {"!missing", true},
        {"!k10.kasten.io/appName", false},
        {"k10.kasten.io/appName=mysql,k10.kasten.io/policyName=daily", true},
        {"k10.kasten.io/appName=mysql,k10.kasten.io/policyName=hourly", false},
        {"  k10.kasten.io/appName  =  mysql ,  !missing  ", true},
        {"empty=", false},
    };
    for (const auto& c : cases) {
        BOOST_TEST(selects(c.selector) == c.selected, "selector \"" << c.selector << "\"");
    }
    BOOST_TEST(selects("empty=", {{"empty", ""}}));
}

BOOST_AUTO_TEST_CASE(parses_into_requirements) {
    auto selector = LabelSelector::parse("a=1,b!=2,c in (y,x,x),d notin (z),e,!f");
    BOOST_REQUIRE(selector.isOk());
    std::vector<LabelSelector::Requirement> expected = {
        {"a", Op::kEquals, {"1"}}, {"b", Op::kNotEquals, {"2"}}, {"c", Op::kIn, {"x", "y"}},
        {"d", Op::kNotIn, {"z"}},  {"e", Op::kExists, {}},       {"f", Op::kDoesNotExist, {}}};
    BOOST_TEST((selector->requirements() == expected));
}

BOOST_AUTO_TEST_CASE(malformed_selectors_are_rejected_with_a_message) {
    struct Case {
        std::string selector;
        std::string message;  // a part of the message
    };
    std::vector<Case> cases = {
        {"a=1,", "found the end at position 4, expected a label key"},
        {",a", "found ',' at position 0"},
        {"a b", "found 'b' at position 2, expected one of =, ==, !=, in, notin"},
        {"a in b", "found 'b' at position 5, expected '('"},
        {"a in (b", "found the end at position 7, expected ',' or ')'"},
        {"a in ()", "cannot be empty"},
        {"a=b=c", "found '=' at position 3"},
        {"a>1", "found '>' at position 1"},
        {"!", "found the end at position 1, expected a label key"},
        {"-a=b", "key \"-a\" must be [prefix/]name"},
        {"Bad_Prefix/a=b", "key \"Bad_Prefix/a\""},
        {std::string(64, 'k') + "=v", "must be [prefix/]name"},
        {"a=" + std::string(64, 'v'), "value \"" + std::string(64, 'v') + "\" must be at most 63"},
        {"a=b c", "found 'c'"},
        {"a=-b", "value \"-b\""},
    };
    for (const auto& c : cases) {
        auto selector = LabelSelector::parse(c.selector);
        BOOST_TEST(!selector.isOk(), c.selector);
        if (!selector.isOk()) {
            BOOST_TEST((selector.status().code() == kiod::StatusCode::kBadRequest));
            BOOST_TEST(selector.status().message().find(c.message) != std::string::npos,
                       c.selector << " -> " << selector.status().message());
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
