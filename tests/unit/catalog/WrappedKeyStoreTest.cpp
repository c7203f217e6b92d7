// The wrapped keys collection on a real catalog file: its refusals, a
// rewrap's walk and compare-and-swap, and counts per version that stay
// exact without a scan.
#include "SqliteConnection.h"
#include "SqliteWrappedKeyStore.h"
#include "StoreFixture.h"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <ctime>
#include <limits>
#include <utility>

using namespace kiod::catalog;
using namespace kiod::catalog::test;
using kiod::StatusCode;

namespace {

using Bytes = std::vector<std::uint8_t>;
using Counts = std::map<std::uint32_t, std::uint64_t>;
using Position = std::pair<std::uint32_t, std::string>;  // (keyVersion, id): the walk's order

Bytes bytes(const std::string& text) {
    return Bytes(text.begin(), text.end());
}

// A key as the crypto module would hand it over; its bytes say which key
// and version they seal, so that a rewrapped key can be told apart.
WrappedKey sealed(const std::string& id, std::uint32_t version) {
    return {id, "owner of " + id, version, bytes(id + " under " + std::to_string(version))};
}

Rewrapped rewrapped(const std::string& id, std::uint32_t from, std::uint32_t to) {
    return {id, from, to, bytes(id + " under " + std::to_string(to))};
}

// Without an fsync per commit: the walks below store thousands of keys one
// write at a time.
struct WrappedKeys : StoreFixture {
    WrappedKeys() : StoreFixture({.synchronousFull = false}) {}

    WrappedKeyStore& keys() { return impl->wrappedKeys(); }

    void put(const std::string& id, std::uint32_t version) {
        auto status = keys().put(sealed(id, version));
        BOOST_REQUIRE_MESSAGE(status.isOk(), id << ": " << status.message());
    }

    Counts counts() {
        auto counts = keys().countByVersion();
        BOOST_REQUIRE_MESSAGE(counts.isOk(), counts.status().message());
        return counts.value();
    }

    // The same file, opened again, as at kiod's next start.
    void reopen() {
        impl.reset();
        impl = std::make_unique<SqliteObjectStore>(StoreOptions{.path = path});
    }

    // Every key under a version below `below`, walked in pages of `limit`.
    std::vector<Position> walk(std::uint32_t below, std::size_t limit) {
        std::vector<Position> visited;
        WrappedKeyCursor cursor;
        while (true) {
            auto page = keys().olderThan(below, cursor, limit);
            BOOST_REQUIRE_MESSAGE(page.isOk(), page.status().message());
            for (const auto& key : page.value()) {
                visited.emplace_back(key.keyVersion, key.id);
            }
            if (page->size() < limit) {
                return visited;
            }
            cursor = {page->back().keyVersion, page->back().id};
        }
    }

    // The keys per version as a walk over every key finds them, so without
    // wrapped_key_counts.
    Counts countedByWalking() {
        Counts counted;
        for (const auto& [version, id] : walk(std::numeric_limits<std::uint32_t>::max(), 1000)) {
            ++counted[version];
        }
        return counted;
    }
};

// The steps of EXPLAIN QUERY PLAN for `sql`, one a line.
std::string planOf(SqliteConnection& db, const std::string& sql) {
    auto& plan = db.statement("EXPLAIN QUERY PLAN " + sql);
    std::string steps;
    while (plan.step()) {
        steps += std::string(plan.text(3)) + "\n";
    }
    plan.reset();
    return steps;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(wrapped_keys)

BOOST_FIXTURE_TEST_CASE(a_stored_key_reads_back_as_put_until_removed, WrappedKeys) {
    auto before = static_cast<std::int64_t>(std::time(nullptr));
    BOOST_REQUIRE(keys().put(sealed("k1", 1)).isOk());
    auto got = keys().get("k1");
    BOOST_REQUIRE(got.isOk());
    BOOST_TEST(got->id == "k1");
    BOOST_TEST(got->owner == "owner of k1");
    BOOST_TEST(got->keyVersion == 1u);
    BOOST_TEST((got->wrapped == sealed("k1", 1).wrapped));
    BOOST_TEST(got->createdAt >= before);
    BOOST_TEST(got->createdAt <= static_cast<std::int64_t>(std::time(nullptr)));

    BOOST_TEST(keys().remove("k1").isOk());
    BOOST_TEST((keys().get("k1").status().code() == StatusCode::kNotFound));
    BOOST_TEST((keys().remove("k1").code() == StatusCode::kNotFound));
}

// The catalog never opens what it keeps: any bytes come back as they went in.
BOOST_FIXTURE_TEST_CASE(owner_and_wrapped_bytes_round_trip_exactly, WrappedKeys) {
    WrappedKey key{"k1", std::string("a\0b\xff\x80", 5), 7, {}};
    for (int byte = 0; byte < 256; ++byte) {
        key.wrapped.push_back(static_cast<std::uint8_t>(byte));
    }
    BOOST_REQUIRE(keys().put(key).isOk());
    auto got = keys().get("k1");
    BOOST_REQUIRE(got.isOk());
    BOOST_TEST((got->owner == key.owner));
    BOOST_TEST((got->wrapped == key.wrapped));
}

BOOST_FIXTURE_TEST_CASE(a_taken_id_is_already_exists_and_keeps_the_first_key, WrappedKeys) {
    put("k1", 1);
    auto second = keys().put(sealed("k1", 2));
    BOOST_TEST((second.code() == StatusCode::kAlreadyExists));
    BOOST_TEST(second.message().find("k1") != std::string::npos, second.message());
    BOOST_TEST(keys().get("k1")->keyVersion == 1u);
    BOOST_TEST((counts() == Counts{{1, 1}}));
}

BOOST_FIXTURE_TEST_CASE(absent_keys_are_not_found, WrappedKeys) {
    auto got = keys().get("nothing");
    BOOST_TEST((got.status().code() == StatusCode::kNotFound));
    BOOST_TEST(got.status().message().find("nothing") != std::string::npos);
    BOOST_TEST((keys().remove("nothing").code() == StatusCode::kNotFound));
}

BOOST_FIXTURE_TEST_CASE(invalid_keys_are_refused_and_nothing_is_written, WrappedKeys) {
    put("k1", 1);
    auto noId = sealed("", 1);
    auto noVersion = sealed("k2", 0);
    auto noBytes = sealed("k3", 1);
    noBytes.wrapped.clear();
    for (const auto& key : {noId, noVersion, noBytes}) {
        BOOST_TEST((keys().put(key).code() == StatusCode::kInvalid), key.id);
    }
    // A batch with one bad entry replaces none, not even the good ones.
    auto noNewBytes = rewrapped("k1", 1, 2);
    noNewBytes.wrapped.clear();
    for (const auto& bad :
         {rewrapped("", 1, 2), rewrapped("k1", 0, 2), rewrapped("k1", 1, 0), noNewBytes}) {
        auto replaced = keys().replace({rewrapped("k1", 1, 2), bad});
        BOOST_TEST((replaced.status().code() == StatusCode::kInvalid), bad.id);
    }
    BOOST_TEST(keys().get("k1")->keyVersion == 1u);
    BOOST_TEST((counts() == Counts{{1, 1}}));
}

// 2,500 keys over versions 1 to 3, stored out of order: a walk below 3 in
// pages that do not divide them evenly sees each key under 1 and 2 once,
// in (version, id) order, and none under 3.
BOOST_FIXTURE_TEST_CASE(older_than_pages_through_each_key_below_the_bound_once_in_order,
                        WrappedKeys) {
    std::vector<Position> expected;
    for (int i = 0; i < 2500; ++i) {
        int n = i * 7919 % 2500;  // 7919 is prime: every n once, scattered
        auto version = static_cast<std::uint32_t>(n % 3 + 1);
        auto id = "key-" + std::to_string(n);
        put(id, version);
        if (version < 3) {
            expected.emplace_back(version, id);
        }
    }
    std::sort(expected.begin(), expected.end());

    auto visited = walk(3, 97);
    BOOST_TEST(visited.size() == expected.size());
    BOOST_TEST((visited == expected));

    BOOST_TEST(walk(1, 97).empty());
    BOOST_TEST(walk(4, 1000).size() == 2500u);
    auto none = keys().olderThan(3, {}, 0);
    BOOST_REQUIRE(none.isOk());
    BOOST_TEST(none->empty());
}

// A rewrap as the crypto module runs it: a page under old versions, each
// key sealed anew, the page replaced, the next page after the last key.
BOOST_FIXTURE_TEST_CASE(a_rewrap_walk_moves_every_older_key_to_the_new_version, WrappedKeys) {
    for (int i = 0; i < 300; ++i) {
        put("key-" + std::to_string(i), static_cast<std::uint32_t>(i % 3 + 1));
    }
    WrappedKeyCursor cursor;
    std::size_t total = 0;
    while (true) {
        auto page = keys().olderThan(3, cursor, 64);
        BOOST_REQUIRE(page.isOk());
        if (page->empty()) {
            break;
        }
        std::vector<Rewrapped> batch;
        for (const auto& key : page.value()) {
            batch.push_back(rewrapped(key.id, key.keyVersion, 3));
        }
        auto replaced = keys().replace(batch);
        BOOST_REQUIRE(replaced.isOk());
        BOOST_TEST(replaced.value() == batch.size());
        total += replaced.value();
        cursor = {page->back().keyVersion, page->back().id};
    }
    BOOST_TEST(total == 200u);
    BOOST_TEST((counts() == Counts{{3, 300}}));
    BOOST_TEST((keys().get("key-0")->wrapped == bytes("key-0 under 3")));
}

// Between reading a page and replacing it, one key is removed and another
// rewrapped by someone else: both are left as they are.
BOOST_FIXTURE_TEST_CASE(replace_skips_keys_removed_or_rewrapped_since_they_were_read, WrappedKeys) {
    for (const auto* id : {"a", "b", "c", "d"}) {
        put(id, 1);
    }
    auto page = keys().olderThan(2, {}, 10);
    BOOST_REQUIRE(page.isOk());
    BOOST_REQUIRE(page->size() == 4u);

    BOOST_REQUIRE(keys().remove("b").isOk());
    auto theirs = rewrapped("c", 1, 2);
    theirs.wrapped = bytes("c, sealed by another rewrap");
    BOOST_REQUIRE(keys().replace({theirs}).value() == 1u);

    std::vector<Rewrapped> batch;
    for (const auto& key : page.value()) {
        batch.push_back(rewrapped(key.id, key.keyVersion, 2));
    }
    auto replaced = keys().replace(batch);
    BOOST_REQUIRE(replaced.isOk());
    BOOST_TEST(replaced.value() == 2u);
    BOOST_TEST((keys().get("a")->wrapped == bytes("a under 2")));
    BOOST_TEST((keys().get("b").status().code() == StatusCode::kNotFound));
    BOOST_TEST((keys().get("c")->wrapped == theirs.wrapped));
    BOOST_TEST((keys().get("d")->wrapped == bytes("d under 2")));
    BOOST_TEST((counts() == Counts{{2, 3}}));
}

BOOST_FIXTURE_TEST_CASE(counts_by_version_stay_exact_through_every_write_and_a_restart,
                        WrappedKeys) {
    BOOST_TEST(counts().empty());
    for (int i = 0; i < 10; ++i) {
        put("key-" + std::to_string(i), i < 6 ? 1 : 2);
    }
    BOOST_TEST((counts() == Counts{{1, 6}, {2, 4}}));
    BOOST_REQUIRE(keys().remove("key-0").isOk());
    BOOST_REQUIRE(keys().remove("key-9").isOk());
    BOOST_TEST((keys().put(sealed("key-1", 2)).code() == StatusCode::kAlreadyExists));
    BOOST_TEST((keys().remove("key-0").code() == StatusCode::kNotFound));
    BOOST_TEST((counts() == Counts{{1, 5}, {2, 3}}));

    // key-1 twice in one batch: applied in order; key-0 is gone.
    auto replaced = keys().replace({rewrapped("key-1", 1, 3), rewrapped("key-1", 3, 4),
                                    rewrapped("key-2", 1, 3), rewrapped("key-0", 1, 3),
                                    rewrapped("key-6", 2, 2)});
    BOOST_REQUIRE(replaced.isOk());
    BOOST_TEST(replaced.value() == 4u);
    BOOST_TEST((counts() == Counts{{1, 3}, {2, 3}, {3, 1}, {4, 1}}));

    // A version whose keys are all gone is absent.
    for (const auto* id : {"key-3", "key-4", "key-5"}) {
        BOOST_REQUIRE(keys().remove(id).isOk());
    }
    Counts expected{{2, 3}, {3, 1}, {4, 1}};
    BOOST_TEST((counts() == expected));
    BOOST_TEST((countedByWalking() == expected));

    reopen();
    BOOST_TEST((counts() == expected));
}

// Wrapped keys are no Kubernetes objects: no revision, no change log entry,
// so no watch event.
BOOST_FIXTURE_TEST_CASE(wrapped_key_writes_leave_revisions_and_the_change_log_alone, WrappedKeys) {
    put("k1", 1);
    BOOST_REQUIRE(keys().replace({rewrapped("k1", 1, 2)}).isOk());
    BOOST_REQUIRE(keys().remove("k1").isOk());
    BOOST_TEST(store().currentRevision() == 0u);
    auto created = store().create({kBackupActions, "app", "a"}, action("a", "app"));
    BOOST_REQUIRE(created.isOk());
    BOOST_TEST(created->revision == 1u);
    SqliteConnection db(path, SqliteConnection::Mode::kReadOnly);
    BOOST_TEST(db.queryInteger("SELECT count(*) FROM changes") == 1);
}

BOOST_FIXTURE_TEST_CASE(writes_after_the_catalog_stopped_are_unavailable_reads_still_work,
                        WrappedKeys) {
    put("k1", 1);
    impl->stop();
    BOOST_TEST((keys().put(sealed("k2", 1)).code() == StatusCode::kUnavailable));
    BOOST_TEST((keys().remove("k1").code() == StatusCode::kUnavailable));
    BOOST_TEST(
        (keys().replace({rewrapped("k1", 1, 2)}).status().code() == StatusCode::kUnavailable));
    BOOST_TEST(keys().get("k1").isOk());
    BOOST_TEST((counts() == Counts{{1, 1}}));
}

// EXPLAIN QUERY PLAN of each read: an index search (olderThan in walk
// order), or the small counts table; never a scan of wrapped_keys or a sort.
BOOST_FIXTURE_TEST_CASE(no_wrapped_key_read_scans_the_keys_or_sorts, WrappedKeys) {
    SqliteConnection db(path, SqliteConnection::Mode::kReadOnly);
    auto get = planOf(db, SqliteWrappedKeyStore::kGetQuery);
    auto olderThan = planOf(db, SqliteWrappedKeyStore::kOlderThanQuery);
    auto counts = planOf(db, SqliteWrappedKeyStore::kCountsQuery);
    for (const auto& steps : {get, olderThan, counts}) {
        BOOST_TEST(steps.find("SCAN wrapped_keys") == std::string::npos, steps);
        BOOST_TEST(steps.find("TEMP B-TREE") == std::string::npos, steps);
    }
    BOOST_TEST(get.find("SEARCH wrapped_keys USING INDEX") != std::string::npos, get);
    // The cursor bounds the index range, not a filter over it.
    BOOST_TEST(olderThan.find("SEARCH wrapped_keys USING INDEX wrapped_keys_by_version (") !=
                   std::string::npos,
               olderThan);
    BOOST_TEST(olderThan.find("(key_version,id)>(?,?)") != std::string::npos, olderThan);
    // One row per version, read whole: the keys themselves are not touched.
    BOOST_TEST(counts.find("wrapped_keys") == std::string::npos, counts);
}

BOOST_AUTO_TEST_SUITE_END()
