#include <kiod/crypto/SecretBytes.h>

#include <boost/test/unit_test.hpp>

using kiod::crypto::SecretBytes;

BOOST_AUTO_TEST_SUITE(secret_bytes)

BOOST_AUTO_TEST_CASE(key_material_lives_in_the_secure_heap_once_it_is_initialized) {
    BOOST_TEST_REQUIRE(kiod::crypto::initializeSecureHeap());
    SecretBytes key = SecretBytes::random(32);
    BOOST_TEST(key.size() == 32u);
    BOOST_TEST(key.isInSecureHeap());
}

BOOST_AUTO_TEST_CASE(a_full_secure_heap_falls_back_to_the_ordinary_heap) {
    BOOST_TEST_REQUIRE(kiod::crypto::initializeSecureHeap());
    // Larger than the whole secure heap (64 KiB): still served, still wiped.
    SecretBytes large(128 * 1024);
    BOOST_TEST(large.size() == 128u * 1024);
    BOOST_TEST(!large.isInSecureHeap());
    BOOST_TEST(large.data()[large.size() - 1] == 0);
}

BOOST_AUTO_TEST_CASE(moving_transfers_ownership_and_empties_the_source) {
    SecretBytes key = SecretBytes::random(32);
    const std::uint8_t* bytes = key.data();
    SecretBytes moved = std::move(key);
    BOOST_TEST(moved.data() == bytes);
    BOOST_TEST(key.empty());  // NOLINT: the moved-from state is specified
    BOOST_TEST(key.data() == nullptr);
    SecretBytes assigned;
    assigned = std::move(moved);
    BOOST_TEST(assigned.data() == bytes);
    BOOST_TEST(moved.empty());  // NOLINT
}

BOOST_AUTO_TEST_CASE(random_keys_differ_and_copies_are_exact) {
    SecretBytes a = SecretBytes::random(32);
    SecretBytes b = SecretBytes::random(32);
    BOOST_TEST(!std::equal(a.view().begin(), a.view().end(), b.view().begin()));
    SecretBytes copy = SecretBytes::copyOf(a.view());
    BOOST_TEST(std::equal(a.view().begin(), a.view().end(), copy.view().begin()));
    BOOST_TEST(copy.data() != a.data());
}

BOOST_AUTO_TEST_SUITE_END()
