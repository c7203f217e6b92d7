#include "DependencyOrder.h"

#include <kiod/Errors.h>

#include <boost/test/unit_test.hpp>

using kiod::dependencyOrder;
using Modules = std::vector<kiod::ModuleDependencies>;
using Names = std::vector<std::string>;

namespace {

bool messageHas(const std::exception& e, const std::string& text) {
    return std::string(e.what()).find(text) != std::string::npos;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(dependency_order)

BOOST_AUTO_TEST_CASE(independent_modules_keep_the_configured_order) {
    BOOST_TEST(dependencyOrder({{"b", {}, {}}, {"a", {}, {}}, {"c", {}, {}}}) ==
               (Names{"b", "a", "c"}));
}

BOOST_AUTO_TEST_CASE(dependencies_come_first_whatever_the_configured_order) {
    Modules modules = {{"aggregatedapi", {"catalog"}, {"metrics"}},
                       {"crypto", {"catalog"}, {"metrics"}},
                       {"catalog", {}, {"metrics"}},
                       {"metrics", {}, {}}};
    BOOST_TEST(dependencyOrder(modules) ==
               (Names{"metrics", "catalog", "aggregatedapi", "crypto"}));
}

BOOST_AUTO_TEST_CASE(absent_optional_dependency_is_ignored) {
    BOOST_TEST(dependencyOrder({{"catalog", {}, {"metrics"}}}) == (Names{"catalog"}));
}

BOOST_AUTO_TEST_CASE(missing_required_dependency_names_both_modules) {
    BOOST_CHECK_EXCEPTION(dependencyOrder({{"aggregatedapi", {"catalog"}, {}}}), kiod::StartupError,
                          [](const auto& e) {
                              return messageHas(e, "aggregatedapi requires module catalog") &&
                                     messageHas(e, "not enabled");
                          });
}

BOOST_AUTO_TEST_CASE(cycle_is_refused_with_its_path) {
    Modules modules = {{"a", {"b"}, {}}, {"b", {"c"}, {}}, {"c", {"a"}, {}}};
    BOOST_CHECK_EXCEPTION(dependencyOrder(modules), kiod::StartupError,
                          [](const auto& e) { return messageHas(e, "cycle: a -> b -> c -> a"); });
}

BOOST_AUTO_TEST_CASE(cycle_through_an_optional_dependency_is_refused_too) {
    Modules modules = {{"a", {}, {"b"}}, {"b", {"a"}, {}}};
    BOOST_CHECK_THROW(dependencyOrder(modules), kiod::StartupError);
}

BOOST_AUTO_TEST_CASE(self_dependency_is_a_cycle) {
    BOOST_CHECK_EXCEPTION(dependencyOrder({{"a", {"a"}, {}}}), kiod::StartupError,
                          [](const auto& e) { return messageHas(e, "a -> a"); });
}

BOOST_AUTO_TEST_SUITE_END()
