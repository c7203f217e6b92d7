// The cache of kube-apiserver's answers: entries expire after their TTL,
// by an injected clock, and the cache never grows past its capacity.
#include "auth/ExpiringCache.h"

#include <boost/test/unit_test.hpp>

#include <string>

using namespace std::chrono_literals;
using kiod::ExpiringCache;

namespace {

struct ManualClock {
    std::chrono::steady_clock::time_point now{};
    ExpiringCache<std::string, int>::Clock clock() {
        return [this] { return now; };
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(expiring_cache)

BOOST_FIXTURE_TEST_CASE(an_entry_is_there_until_its_ttl_has_passed, ManualClock) {
    ExpiringCache<std::string, int> cache(10, clock());
    cache.put("allowed", 1, 10s);
    cache.put("denied", 2, 2s);
    BOOST_TEST(cache.get("allowed").value() == 1);
    BOOST_TEST(cache.get("denied").value() == 2);
    BOOST_TEST(!cache.get("unknown"));

    now += 1999ms;
    BOOST_TEST(cache.get("denied").value() == 2);
    now += 1ms;
    BOOST_TEST(!cache.get("denied"));
    BOOST_TEST(cache.get("allowed").value() == 1);
    now += 8s;
    BOOST_TEST(!cache.get("allowed"));
}

BOOST_FIXTURE_TEST_CASE(putting_again_replaces_the_value_and_restarts_the_ttl, ManualClock) {
    ExpiringCache<std::string, int> cache(10, clock());
    cache.put("key", 1, 10s);
    now += 9s;
    cache.put("key", 2, 10s);
    now += 9s;
    BOOST_TEST(cache.get("key").value() == 2);
    BOOST_TEST(cache.size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(a_zero_ttl_keeps_nothing, ManualClock) {
    ExpiringCache<std::string, int> cache(10, clock());
    cache.put("key", 1, 0ms);
    BOOST_TEST(!cache.get("key"));
    BOOST_TEST(cache.size() == 0u);
}

BOOST_FIXTURE_TEST_CASE(a_full_cache_drops_expired_entries_then_the_one_expiring_first,
                        ManualClock) {
    ExpiringCache<std::string, int> cache(3, clock());
    cache.put("short", 1, 1s);
    cache.put("long", 2, 30s);
    cache.put("medium", 3, 20s);
    now += 2s;  // "short" has expired
    cache.put("new", 4, 30s);
    BOOST_TEST(cache.size() == 3u);
    BOOST_TEST(cache.get("long").value() == 2);
    BOOST_TEST(cache.get("medium").value() == 3);

    cache.put("newer", 5, 30s);  // none expired: "medium" expires first
    BOOST_TEST(cache.size() == 3u);
    BOOST_TEST(!cache.get("medium"));
    BOOST_TEST(cache.get("long").value() == 2);
    BOOST_TEST(cache.get("new").value() == 4);
    BOOST_TEST(cache.get("newer").value() == 5);
}

BOOST_AUTO_TEST_SUITE_END()
