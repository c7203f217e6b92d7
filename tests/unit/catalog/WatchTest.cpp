#include "StoreFixture.h"

#include <boost/test/unit_test.hpp>

#include <condition_variable>
#include <mutex>
#include <thread>

using namespace kiod::catalog;
using namespace kiod::catalog::test;
using kiod::StatusCode;
using std::chrono::milliseconds;
using Type = WatchEvent::Type;

namespace {

ObjectKey key(const std::string& ns, const std::string& name) {
    return {kBackupActions, ns, name};
}

// The next event, which must come within five seconds.
WatchEvent nextEvent(Watch& watch) {
    auto event = watch.next(milliseconds(5000));
    BOOST_REQUIRE_MESSAGE(event.isOk(), event.status().message());
    BOOST_REQUIRE_MESSAGE(event->has_value(), "no event within 5 s");
    return std::move(*event.value());
}

std::unique_ptr<Watch> watchFrom(ObjectStore& store, WatchOptions options) {
    options.resource = kBackupActions;
    auto watch = store.watch(options);
    BOOST_REQUIRE_MESSAGE(watch.isOk(), watch.status().message());
    return std::move(watch).value();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(watch)

BOOST_AUTO_TEST_CASE(replays_the_log_then_streams_live_changes_in_order_without_gaps) {
    StoreFixture fixture;
    auto& store = fixture.store();
    BOOST_REQUIRE(store.create(key("app", "a"), action("a", "mysql")).isOk());
    BOOST_REQUIRE(store.create(key("app", "b"), action("b", "mysql")).isOk());
    auto watch = watchFrom(store, {});  // from revision 0: everything in the log

    // Checked once joined: Boost.Test checks only on the test's thread.
    bool written = false;
    std::thread writer([&] {
        written = store.update(key("app", "a"), action("a", "mysql", "Running"), 0).isOk() &&
                  store.remove(key("app", "b"), {}).isOk() &&
                  store.create(key("app", "c"), action("c", "mysql")).isOk();
    });
    std::vector<std::pair<Type, std::string>> seen;
    Revision last = 0;
    for (int i = 0; i < 5; ++i) {
        auto event = nextEvent(*watch);
        BOOST_TEST(event.object.revision == last + 1);  // no gap, no reordering
        last = event.object.revision;
        seen.emplace_back(event.type, event.object.key.name);
    }
    writer.join();
    BOOST_TEST(written);
    std::vector<std::pair<Type, std::string>> expected = {{Type::kAdded, "a"},
                                                          {Type::kAdded, "b"},
                                                          {Type::kModified, "a"},
                                                          {Type::kDeleted, "b"},
                                                          {Type::kAdded, "c"}};
    BOOST_TEST((seen == expected));
    auto idle = watch->next(milliseconds(10));
    BOOST_TEST((idle.isOk() && !idle->has_value()));
}

BOOST_AUTO_TEST_CASE(watch_after_a_revision_sees_only_later_changes_that_match) {
    StoreFixture fixture;
    auto& store = fixture.store();
    auto first = store.create(key("app", "a"), action("a", "mysql")).value();
    auto watch = watchFrom(
        store,
        {.ns = "app", .labelSelector = "k10.kasten.io/appName=mysql", .after = first.revision});
    BOOST_REQUIRE(
        store.create(key("other", "x"), action("x", "mysql")).isOk());  // another namespace
    BOOST_REQUIRE(store.create(key("app", "p"), action("p", "postgres")).isOk());  // another app
    BOOST_REQUIRE(store.create(key("app", "b"), action("b", "mysql")).isOk());
    auto event = nextEvent(*watch);
    BOOST_TEST(event.object.key.name == "b");
    BOOST_TEST((event.type == Type::kAdded));
}

BOOST_AUTO_TEST_CASE(watch_from_a_compacted_revision_is_expired) {
    StoreFixture fixture;
    auto& store = fixture.store();
    for (const auto* name : {"a", "b", "c"}) {
        BOOST_REQUIRE(store.create(key("app", name), action(name, "mysql")).isOk());
    }
    BOOST_REQUIRE(fixture.impl->compactChangeLog(2).isOk());
    auto old = store.watch({.resource = kBackupActions, .after = 1});
    BOOST_TEST((old.status().code() == StatusCode::kExpired));
    auto recent = watchFrom(store, {.after = 2});
    BOOST_TEST(nextEvent(*recent).object.key.name == "c");
}

BOOST_AUTO_TEST_CASE(a_watcher_that_falls_behind_is_dropped_and_the_writer_goes_on) {
    StoreOptions options;
    options.watchBacklog = 2;
    StoreFixture fixture(options);
    auto& store = fixture.store();
    auto slow = watchFrom(store, {.after = 0});
    for (int i = 0; i < 5; ++i) {
        auto name = "n" + std::to_string(i);
        BOOST_REQUIRE(store.create(key("app", name), action(name, "mysql")).isOk());
    }
    auto result = slow->next(milliseconds(1000));
    BOOST_TEST((result.status().code() == StatusCode::kExpired));
    BOOST_TEST(result.status().message().find("fell too far behind") != std::string::npos);
    BOOST_TEST(store.currentRevision() == 5u);
}

// kubectl get -l app=mysql -w: an object relabelled into the selection
// arrives, one relabelled out of it leaves, as kube-apiserver shows them.
BOOST_AUTO_TEST_CASE(a_label_change_across_the_selector_comes_as_added_or_deleted) {
    StoreFixture fixture;
    auto& store = fixture.store();
    BOOST_REQUIRE(store.create(key("app", "a"), action("a", "postgres")).isOk());
    BOOST_REQUIRE(store.create(key("app", "b"), action("b", "mysql")).isOk());
    auto watch = watchFrom(
        store, {.labelSelector = "k10.kasten.io/appName=mysql", .after = store.currentRevision()});
    BOOST_REQUIRE(store.update(key("app", "a"), action("a", "mysql"), 0).isOk());
    BOOST_REQUIRE(store.update(key("app", "b"), action("b", "mysql", "Running"), 0).isOk());
    BOOST_REQUIRE(store.update(key("app", "b"), action("b", "postgres", "Running"), 0).isOk());
    BOOST_REQUIRE(store.update(key("app", "b"), action("b", "redis", "Complete"), 0).isOk());
    std::vector<std::pair<Type, std::string>> seen;
    for (int i = 0; i < 3; ++i) {
        auto event = nextEvent(*watch);
        seen.emplace_back(event.type, event.object.key.name);
    }
    std::vector<std::pair<Type, std::string>> expected = {
        {Type::kAdded, "a"}, {Type::kModified, "b"}, {Type::kDeleted, "b"}};
    BOOST_TEST((seen == expected));
    auto idle = watch->next(milliseconds(10));  // b outside the selection: nothing more
    BOOST_TEST((idle.isOk() && !idle->has_value()));
}

// Counts onReady calls so that a test can wait for the next one.
class ReadySignal {
public:
    std::function<void()> callback() {
        return [this] {
            {
                std::lock_guard lock(mutex_);
                ++calls_;
            }
            changed_.notify_all();
        };
    }
    // Waits up to five seconds for more than `seen` calls.
    bool waitBeyond(int seen) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, std::chrono::seconds(5), [&] { return calls_ > seen; });
    }
    int calls() {
        std::lock_guard lock(mutex_);
        return calls_;
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    int calls_ = 0;
};

BOOST_AUTO_TEST_CASE(on_ready_announces_waiting_replay_then_each_live_commit) {
    StoreFixture fixture;
    auto& store = fixture.store();
    BOOST_REQUIRE(store.create(key("app", "a"), action("a", "mysql")).isOk());
    auto watch = watchFrom(store, {.after = 0});
    ReadySignal ready;
    watch->onReady(ready.callback());
    BOOST_TEST(ready.calls() == 1);  // the log holds "a": at once, on this thread
    BOOST_TEST(nextEvent(*watch).object.key.name == "a");
    auto idle = watch->next(milliseconds(0));
    BOOST_TEST((idle.isOk() && !idle->has_value()));

    int seen = ready.calls();
    BOOST_REQUIRE(store.create(key("app", "b"), action("b", "mysql")).isOk());
    BOOST_REQUIRE(ready.waitBeyond(seen));
    auto live = watch->next(milliseconds(0));  // ready means it is there: no waiting
    BOOST_REQUIRE((live.isOk() && live->has_value()));
    BOOST_TEST(live.value()->object.key.name == "b");
}

BOOST_AUTO_TEST_CASE(on_ready_is_not_called_for_changes_the_watch_does_not_want) {
    StoreFixture fixture;
    auto& store = fixture.store();
    auto watch = watchFrom(store, {.ns = "app", .after = store.currentRevision()});
    ReadySignal ready;
    watch->onReady(ready.callback());
    BOOST_TEST(ready.calls() == 0);
    BOOST_REQUIRE(store.create(key("other", "x"), action("x", "mysql")).isOk());
    BOOST_REQUIRE(store.create(key("app", "y"), action("y", "mysql")).isOk());
    BOOST_REQUIRE(ready.waitBeyond(0));
    BOOST_TEST(ready.calls() == 1);  // "x" did not call it; "y" did
    BOOST_TEST(nextEvent(*watch).object.key.name == "y");
}

BOOST_AUTO_TEST_CASE(on_ready_announces_a_dropped_watch) {
    StoreOptions options;
    options.watchBacklog = 1;
    StoreFixture fixture(options);
    auto& store = fixture.store();
    auto watch = watchFrom(store, {.after = store.currentRevision()});
    ReadySignal ready;
    watch->onReady(ready.callback());
    BOOST_REQUIRE(store.create(key("app", "a"), action("a", "mysql")).isOk());
    BOOST_REQUIRE(store.create(key("app", "b"), action("b", "mysql")).isOk());
    BOOST_REQUIRE(ready.waitBeyond(1));
    auto result = watch->next(milliseconds(0));
    BOOST_TEST((result.status().code() == StatusCode::kExpired));
}

BOOST_AUTO_TEST_CASE(a_closed_watch_leaves_the_hub) {
    StoreFixture fixture;
    {
        auto watch = watchFrom(fixture.store(), {});
        BOOST_TEST(fixture.impl->watchers() == 1u);
    }
    BOOST_TEST(fixture.impl->watchers() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(watch_replay)

// The change log keeps an object's JSON only once it has changed again;
// replay must still show every event with the object as it was then.
BOOST_AUTO_TEST_CASE(replay_shows_each_state_an_object_went_through) {
    StoreFixture fixture;
    auto& store = fixture.store();
    BOOST_REQUIRE(store.create(key("app", "a"), action("a", "mysql", "Pending")).isOk());
    BOOST_REQUIRE(store.update(key("app", "a"), action("a", "mysql", "Running"), 0).isOk());
    BOOST_REQUIRE(store.update(key("app", "a"), action("a", "mysql", "Complete"), 0).isOk());
    BOOST_REQUIRE(store.create(key("app", "b"), action("b", "mysql", "Pending")).isOk());
    BOOST_REQUIRE(store.remove(key("app", "b"), {}).isOk());
    auto watch = watchFrom(store, {});
    std::vector<std::string> states;
    for (int i = 0; i < 5; ++i) {
        auto event = nextEvent(*watch);
        auto at = event.object.json.find("\"state\":\"") + 9;
        states.push_back(event.object.key.name + " " +
                         event.object.json.substr(at, event.object.json.find('"', at) - at) +
                         " rv=" + std::to_string(event.object.revision));
        BOOST_TEST(event.object.json.find("\"resourceVersion\":\"" +
                                          std::to_string(event.object.revision) + "\"") !=
                   std::string::npos);
    }
    BOOST_TEST(states ==
               (std::vector<std::string>{"a Pending rv=1", "a Running rv=2", "a Complete rv=3",
                                         "b Pending rv=4", "b Pending rv=5"}));
}

BOOST_AUTO_TEST_SUITE_END()
