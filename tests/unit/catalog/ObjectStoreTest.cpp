#include "StoreFixture.h"

#include <boost/test/unit_test.hpp>

#include <condition_variable>
#include <mutex>
#include <rapidjson/document.h>
#include <set>
#include <thread>

using namespace kiod::catalog;
using namespace kiod::catalog::test;
using kiod::StatusCode;

namespace {

ObjectKey key(const std::string& ns, const std::string& name) {
    return {kBackupActions, ns, name};
}

rapidjson::Document parse(const std::string& json) {
    rapidjson::Document document;
    document.Parse(json.c_str());
    return document;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(object_store)

BOOST_AUTO_TEST_CASE(create_fills_in_server_metadata_and_get_returns_the_stored_bytes) {
    StoreFixture fixture;
    auto& store = fixture.store();
    auto created = store.create(key("app", "backup-1"), action("backup-1", "mysql"));
    BOOST_REQUIRE_MESSAGE(created.isOk(), created.status().message());
    auto document = parse(created->json);
    const auto& metadata = document["metadata"];
    BOOST_TEST(metadata["name"].GetString() == std::string("backup-1"));
    BOOST_TEST(metadata["namespace"].GetString() == std::string("app"));
    BOOST_TEST(metadata["uid"].GetString() == created->uid);
    BOOST_TEST(metadata["resourceVersion"].GetString() == std::to_string(created->revision));
    BOOST_TEST(std::string(metadata["creationTimestamp"].GetString()).size() ==
               20u);  // 2026-11-24T09:00:00Z
    BOOST_TEST(metadata["generation"].GetInt() == 1);
    BOOST_TEST(created->revision == store.currentRevision());

    auto got = store.get(key("app", "backup-1"));
    BOOST_REQUIRE(got.isOk());
    BOOST_TEST(got->json == created->json);
    BOOST_TEST((store.get(key("other", "backup-1")).status().code() == StatusCode::kNotFound));
}

BOOST_AUTO_TEST_CASE(a_taken_name_is_already_exists_and_malformed_objects_are_invalid) {
    StoreFixture fixture;
    auto& store = fixture.store();
    BOOST_REQUIRE(store.create(key("app", "a"), action("a", "mysql")).isOk());
    auto revision = store.currentRevision();
    BOOST_TEST((store.create(key("app", "a"), action("a", "mysql")).status().code() ==
                StatusCode::kAlreadyExists));

    for (const std::string bad :
         {"not json", "[1,2]", R"({"metadata":{"name":"other"}})",
          R"({"metadata":{"namespace":"elsewhere"}})", R"({"metadata":{"labels":{"a":1}}})",
          R"({"metadata":[]})", R"({"spec":{"expiresAt":"tomorrow"}})"}) {
        auto result = store.create(key("app", "b"), bad);
        BOOST_TEST((result.status().code() == StatusCode::kInvalid), bad);
        BOOST_TEST(!result.status().message().empty());
    }
    BOOST_TEST(store.currentRevision() == revision);  // nothing was written
    BOOST_TEST((store.get(key("app", "b")).status().code() == StatusCode::kNotFound));
}

BOOST_AUTO_TEST_CASE(update_checks_the_expected_revision_and_keeps_identity) {
    StoreFixture fixture;
    auto& store = fixture.store();
    auto created = store.create(key("app", "a"), action("a", "mysql")).value();
    auto updated = store.update(key("app", "a"), action("a", "mysql", "Running"), created.revision);
    BOOST_REQUIRE_MESSAGE(updated.isOk(), updated.status().message());
    BOOST_TEST(updated->uid == created.uid);
    BOOST_TEST(updated->revision > created.revision);
    auto document = parse(updated->json);
    BOOST_TEST(document["status"]["state"].GetString() == std::string("Running"));
    BOOST_TEST(std::string(document["metadata"]["creationTimestamp"].GetString()) ==
               parse(created.json)["metadata"]["creationTimestamp"].GetString());

    auto stale = store.update(key("app", "a"), action("a", "mysql", "Complete"), created.revision);
    BOOST_TEST((stale.status().code() == StatusCode::kConflict));
    BOOST_TEST(stale.status().message().find("the object has been modified") != std::string::npos);
    BOOST_TEST((store.update(key("app", "nope"), action("nope", "x"), 0).status().code() ==
                StatusCode::kNotFound));
    BOOST_TEST(store.update(key("app", "a"), action("a", "mysql", "Complete"), 0)
                   .isOk());  // unconditional
}

BOOST_AUTO_TEST_CASE(every_read_after_a_write_sees_it_on_a_reader_that_read_before) {
    // One reader, which keeps its snapshot between reads until a commit.
    StoreFixture fixture({.readers = 1});
    auto& store = fixture.store();
    auto revision = store.create(key("app", "a"), action("a", "mysql")).value().revision;
    for (const std::string state : {"Running", "Complete", "Failed"}) {
        BOOST_TEST(store.get(key("app", "a")).value().revision == revision);
        revision =
            store.update(key("app", "a"), action("a", "mysql", state), revision).value().revision;
        BOOST_TEST(parse(store.get(key("app", "a")).value().json)["status"]["state"].GetString() ==
                   state);
    }
    BOOST_TEST(store.remove(key("app", "a"), {}).isOk());
    BOOST_TEST((store.get(key("app", "a")).status().code() == StatusCode::kNotFound));
}

BOOST_AUTO_TEST_CASE(create_async_answers_as_create_once_the_write_is_committed) {
    StoreFixture fixture;
    auto& store = fixture.store();
    std::mutex mutex;
    std::condition_variable answered;
    std::vector<kiod::Result<StoredObject>> results;
    int unreadable = 0;  // counted here: Boost.Test checks only on the test's thread
    auto collect = [&](kiod::Result<StoredObject> created) {
        // Committed by the time it is told: readable at once.
        bool readable = !created.isOk() || store.get(created->key).isOk();
        std::lock_guard lock(mutex);
        unreadable += !readable;
        results.push_back(std::move(created));
        answered.notify_all();
    };
    store.createAsync(key("app", "a"), action("a", "mysql"), collect);
    store.createAsync(key("app", "b"), action("b", "mysql"), collect);
    store.createAsync(key("app", "a"), action("a", "mysql"), collect);
    store.createAsync(key("app", "c"), "not json", collect);
    std::unique_lock lock(mutex);
    answered.wait(lock, [&] { return results.size() == 4; });
    int created = 0;
    int taken = 0;
    int invalid = 0;
    for (const auto& result : results) {
        created += result.isOk();
        taken += !result.isOk() && result.status().code() == StatusCode::kAlreadyExists;
        invalid += !result.isOk() && result.status().code() == StatusCode::kInvalid;
    }
    BOOST_TEST(created == 2);
    BOOST_TEST(taken == 1);
    BOOST_TEST(invalid == 1);
    BOOST_TEST(unreadable == 0);
}

BOOST_AUTO_TEST_CASE(delete_honours_preconditions_and_returns_the_object) {
    StoreFixture fixture;
    auto& store = fixture.store();
    auto created = store.create(key("app", "a"), action("a", "mysql")).value();
    BOOST_TEST(
        (store.remove(key("app", "a"), {"wrong-uid", 0}).status().code() == StatusCode::kConflict));
    BOOST_TEST((store.remove(key("app", "a"), {"", created.revision + 5}).status().code() ==
                StatusCode::kConflict));
    auto removed = store.remove(key("app", "a"), {created.uid, created.revision});
    BOOST_REQUIRE(removed.isOk());
    BOOST_TEST(removed->uid == created.uid);
    BOOST_TEST(removed->revision == store.currentRevision());
    BOOST_TEST(removed->json.find("\"resourceVersion\":\"" + std::to_string(removed->revision) +
                                  "\"") != std::string::npos);
    BOOST_TEST((store.get(key("app", "a")).status().code() == StatusCode::kNotFound));
    BOOST_TEST((store.remove(key("app", "a"), {}).status().code() == StatusCode::kNotFound));
    // The name can be used again, by a new object.
    auto again = store.create(key("app", "a"), action("a", "mysql"));
    BOOST_REQUIRE(again.isOk());
    BOOST_TEST(again->uid != created.uid);
}

BOOST_AUTO_TEST_CASE(concurrent_writers_are_all_acknowledged_with_revisions_without_holes) {
    StoreFixture fixture;
    auto& store = fixture.store();
    std::vector<std::thread> writers;
    std::mutex mutex;
    std::set<Revision> revisions;
    int failed = 0;  // counted here: Boost.Test checks only on the test's thread
    for (int t = 0; t < 16; ++t) {
        writers.emplace_back([&, t] {
            for (int i = 0; i < 20; ++i) {
                auto name = "w" + std::to_string(t) + "-" + std::to_string(i);
                auto created = store.create(key("app", name), action(name, "mysql"));
                std::lock_guard lock(mutex);
                if (created.isOk()) {
                    revisions.insert(created->revision);
                } else {
                    ++failed;
                }
            }
        });
    }
    for (auto& writer : writers) {
        writer.join();
    }
    BOOST_TEST(failed == 0);
    BOOST_TEST(revisions.size() == 320u);
    BOOST_TEST(*revisions.begin() == 1u);
    BOOST_TEST(*revisions.rbegin() == 320u);
    BOOST_TEST(store.currentRevision() == 320u);
}

// A restore point content's deletion removes its restore point and adds a
// retire action: the store applies such writes together or not at all.
BOOST_AUTO_TEST_CASE(apply_commits_several_writes_together_in_order) {
    StoreFixture fixture;
    auto& store = fixture.store();
    auto bound = store.create(key("app", "bound"), action("bound", "mysql")).value();
    auto running = store.create(key("app", "run"), action("run", "mysql", "Running")).value();
    auto watch = store.watch({.resource = kBackupActions, .after = running.revision}).value();

    auto applied = store.apply({
        Mutation::remove(key("app", "bound"), {.uid = bound.uid}),
        Mutation::create(key("app", "retire"), action("retire", "mysql")),
        Mutation::update(key("app", "run"), action("run", "mysql", "Cancelled"), running.revision),
    });
    BOOST_REQUIRE_MESSAGE(applied.isOk(), applied.status().message());
    BOOST_REQUIRE(applied->size() == 3u);
    for (std::size_t i = 0; i < 3; ++i) {
        BOOST_TEST(applied.value()[i].revision == running.revision + 1 + i);
    }
    BOOST_TEST((store.get(key("app", "bound")).status().code() == StatusCode::kNotFound));
    BOOST_TEST(store.get(key("app", "retire")).isOk());
    BOOST_TEST(store.get(key("app", "run"))->json.find("Cancelled") != std::string::npos);
    for (auto type :
         {WatchEvent::Type::kDeleted, WatchEvent::Type::kAdded, WatchEvent::Type::kModified}) {
        auto event = watch->next(std::chrono::milliseconds(5000));
        BOOST_REQUIRE((event.isOk() && event->has_value()));
        BOOST_TEST((event.value()->type == type));
    }
}

BOOST_AUTO_TEST_CASE(apply_stores_nothing_when_one_write_fails) {
    StoreFixture fixture;
    auto& store = fixture.store();
    auto existing = store.create(key("app", "a"), action("a", "mysql")).value();
    BOOST_REQUIRE(store.update(key("app", "a"), action("a", "mysql", "Running"), 0).isOk());
    auto before = store.currentRevision();

    auto stale = store.apply({
        Mutation::create(key("app", "b"), action("b", "mysql")),
        Mutation::update(key("app", "a"), action("a", "mysql", "Complete"), existing.revision),
    });
    BOOST_TEST((stale.status().code() == StatusCode::kConflict));
    auto malformed = store.apply({
        Mutation::create(key("app", "c"), action("c", "mysql")),
        Mutation::create(key("app", "d"), "{not json"),
    });
    BOOST_TEST((malformed.status().code() == StatusCode::kInvalid));
    auto taken = store.apply({
        Mutation::remove(key("app", "a")),
        Mutation::create(key("app", "e"), action("e", "mysql")),
        Mutation::create(key("app", "e"), action("e", "mysql")),
    });
    BOOST_TEST((taken.status().code() == StatusCode::kAlreadyExists));

    BOOST_TEST(store.currentRevision() == before);  // no revision used, none skipped
    for (const auto* name : {"b", "c", "d", "e"}) {
        BOOST_TEST((store.get(key("app", name)).status().code() == StatusCode::kNotFound), name);
    }
    BOOST_TEST(store.get(key("app", "a"))->json.find("Running") != std::string::npos);
    BOOST_TEST(store.create(key("app", "f"), action("f", "mysql"))->revision == before + 1);
}

BOOST_AUTO_TEST_CASE(a_full_write_queue_is_overloaded) {
    StoreOptions options;
    options.writeQueue = 0;
    StoreFixture fixture(options);
    auto result = fixture.store().create(key("app", "a"), action("a", "mysql"));
    BOOST_TEST((result.status().code() == StatusCode::kOverloaded));
    BOOST_TEST(result.status().message().find("write queue is full") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(action_counts)

// The rows of catalog_actions_count as "type status namespace policy liveness=count".
std::set<std::string> counts(SqliteObjectStore& store) {
    std::set<std::string> rows;
    for (const auto& row : store.actionCounts()) {
        rows.insert(row.action.type + " " + row.action.status + " " + row.action.ns + " " +
                    row.action.policy + " " + row.liveness + "=" + std::to_string(row.count));
    }
    return rows;
}

BOOST_AUTO_TEST_CASE(counts_follow_creates_state_changes_and_deletes) {
    StoreFixture fixture;
    auto& store = fixture.store();
    BOOST_REQUIRE(store.create(key("app", "a"), action("a", "mysql", "Running", "daily")).isOk());
    BOOST_REQUIRE(store.create(key("app", "b"), action("b", "mysql", "Running", "daily")).isOk());
    BOOST_REQUIRE(
        store.create({"restorepoints.apps.kio.kasten.io", "app", "rp"}, R"({"metadata":{}})")
            .isOk());
    BOOST_TEST(counts(*fixture.impl) == (std::set<std::string>{"backup running app daily live=2"}));

    BOOST_REQUIRE(
        store.update(key("app", "a"), action("a", "mysql", "Complete", "daily"), 0).isOk());
    BOOST_TEST(counts(*fixture.impl) ==
               (std::set<std::string>{"backup running app daily live=1",
                                      "backup complete app daily live=1"}));

    BOOST_REQUIRE(store.remove(key("app", "a"), {}).isOk());
    BOOST_TEST(counts(*fixture.impl) ==
               (std::set<std::string>{"backup running app daily live=1",
                                      "backup complete app daily retired=1"}));
}

BOOST_AUTO_TEST_SUITE_END()
