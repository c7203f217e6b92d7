#include "AesGcm.h"
#include "DrbgBatch.h"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <array>
#include <set>
#include <sys/wait.h>
#include <unistd.h>

using namespace kiod::crypto;

namespace {

using Nonce = std::array<std::uint8_t, AesGcm::kNonceSize>;

Nonce nextNonce() {
    Nonce nonce{};
    BOOST_REQUIRE(AesGcm::randomNonce(nonce).isOk());
    return nonce;
}

// Runs `draw` in a forked child and returns the bytes it wrote to `out`
// there: what the child would hand out next.
template <std::size_t N, class Draw>
std::array<std::uint8_t, N> drawnInAChild(Draw draw) {
    int fds[2];
    BOOST_REQUIRE(pipe(fds) == 0);
    const pid_t child = fork();
    BOOST_REQUIRE(child >= 0);
    if (child == 0) {
        // No Boost.Test here: the child only reports through the pipe.
        std::array<std::uint8_t, N> out{};
        const bool drawn = draw(out);
        _exit(drawn && write(fds[1], out.data(), N) == static_cast<ssize_t>(N) ? 0 : 1);
    }
    close(fds[1]);
    std::array<std::uint8_t, N> out{};
    const ssize_t got = read(fds[0], out.data(), N);
    close(fds[0]);
    int status = 0;
    BOOST_REQUIRE(waitpid(child, &status, 0) == child);
    BOOST_REQUIRE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    BOOST_REQUIRE(got == static_cast<ssize_t>(N));
    return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(drbg_batch)

BOOST_AUTO_TEST_CASE(nonces_never_repeat_across_many_batches) {
    std::set<Nonce> seen;
    for (int i = 0; i < 10'000; ++i) {
        BOOST_TEST_REQUIRE(seen.insert(nextNonce()).second, "nonce " << i << " repeated");
    }
}

BOOST_AUTO_TEST_CASE(a_draw_that_does_not_fit_the_rest_of_a_batch_gets_fresh_bytes) {
    // 40 bytes hold three 12-byte draws; the 4 left over are wiped, never
    // handed out as (zero) bytes of a fourth.
    DrbgBatch<Bytes> batch(40);
    std::set<Nonce> seen;
    for (int i = 0; i < 12; ++i) {
        Nonce nonce{};
        BOOST_TEST_REQUIRE(batch.draw(nonce));
        BOOST_TEST(std::any_of(nonce.begin(), nonce.end(), [](std::uint8_t b) { return b != 0; }));
        BOOST_TEST(seen.insert(nonce).second);
    }
}

BOOST_AUTO_TEST_CASE(a_forked_child_never_hands_out_its_parents_next_nonce) {
    nextNonce();  // the parent's batch is filled and has nonces left
    const Nonce child = drawnInAChild<AesGcm::kNonceSize>(
        [](Nonce& out) { return AesGcm::randomNonce(out).isOk(); });
    BOOST_TEST((child != nextNonce()));
}

BOOST_AUTO_TEST_CASE(a_forked_child_never_hands_out_its_parents_next_data_key) {
    BOOST_TEST_REQUIRE(!AesGcm::randomKey().empty());
    const auto child = drawnInAChild<AesGcm::kKeySize>([](auto& out) {
        SecretBytes key = AesGcm::randomKey();
        std::copy(key.view().begin(), key.view().end(), out.begin());
        return !key.empty();
    });
    const SecretBytes parent = AesGcm::randomKey();
    BOOST_TEST(!std::equal(child.begin(), child.end(), parent.view().begin()));
}

BOOST_AUTO_TEST_CASE(data_keys_are_32_bytes_in_the_secure_heap_and_never_repeat) {
    BOOST_TEST_REQUIRE(initializeSecureHeap());
    std::set<Bytes> seen;
    for (int i = 0; i < 1'000; ++i) {
        SecretBytes key = AesGcm::randomKey();
        BOOST_TEST_REQUIRE(key.size() == AesGcm::kKeySize);
        BOOST_TEST(key.isInSecureHeap());
        BOOST_TEST_REQUIRE(seen.insert(Bytes(key.view().begin(), key.view().end())).second);
    }
}

BOOST_AUTO_TEST_SUITE_END()
