#include "Retention.h"
#include "StoreFixture.h"

#include <boost/test/unit_test.hpp>

#include <ctime>

using namespace kiod::catalog;
using namespace kiod::catalog::test;

namespace {

bool exists(ObjectStore& store, const std::string& name) {
    return store.get({kBackupActions, "app", name}).isOk();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(retention)

BOOST_AUTO_TEST_CASE(finished_actions_beyond_the_limit_go_oldest_first_running_ones_stay) {
    StoreFixture fixture;
    auto& store = fixture.store();
    // Created in this order: f0 ... f4 finished (mixed states), r0 r1 running.
    const std::vector<std::pair<std::string, std::string>> actions = {
        {"f0", "Complete"},  {"r0", "Running"}, {"f1", "Failed"},  {"f2", "Complete"},
        {"f3", "Cancelled"}, {"r1", "Pending"}, {"f4", "Complete"}};
    for (const auto& [name, state] : actions) {
        BOOST_REQUIRE(
            store.create({kBackupActions, "app", name}, action(name, "mysql", state)).isOk());
    }
    Retention retention(*fixture.impl, {.finishedActions = 3, .actionResources = {kBackupActions}});
    BOOST_TEST(retention.run(std::time(nullptr)) == 2u);
    for (const auto* gone : {"f0", "f1"}) {
        BOOST_TEST(!exists(store, gone), gone);
    }
    for (const auto* kept : {"f2", "f3", "f4", "r0", "r1"}) {
        BOOST_TEST(exists(store, kept), kept);
    }
    BOOST_TEST(retention.run(std::time(nullptr)) == 0u);  // nothing more to do
}

BOOST_AUTO_TEST_CASE(objects_past_their_expiry_are_removed) {
    StoreFixture fixture;
    auto& store = fixture.store();
    auto withExpiry = [](const std::string& name, const std::string& when) {
        return R"({"metadata":{"name":")" + name + R"("},"spec":{"expiresAt":")" + when + R"("}})";
    };
    BOOST_REQUIRE(
        store.create({kBackupActions, "app", "old"}, withExpiry("old", "2020-01-01T00:00:00Z"))
            .isOk());
    BOOST_REQUIRE(
        store.create({kBackupActions, "app", "new"}, withExpiry("new", "2099-01-01T00:00:00Z"))
            .isOk());
    BOOST_REQUIRE(store.create({kBackupActions, "app", "none"}, action("none", "mysql")).isOk());
    Retention retention(*fixture.impl, {.finishedActions = 0});
    BOOST_TEST(retention.run(std::time(nullptr)) == 1u);
    BOOST_TEST(!exists(store, "old"));
    BOOST_TEST(exists(store, "new"));
    BOOST_TEST(exists(store, "none"));
}

BOOST_AUTO_TEST_SUITE_END()
