// The keyring's lifecycle rules (Vault transit's): a decryption floor that
// refuses genuine old blobs and can be lowered again, trim only below the
// floor, and all of it safe against concurrent encryption.
#include "CryptoTestSupport.h"
#include "Keyring.h"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <atomic>
#include <memory>
#include <random>
#include <thread>
#include <vector>

using namespace kiod::crypto;
using kiod::Result;
using kiod::StatusCode;
using kiod::crypto::test::bytesOf;
using kiod::crypto::test::patternBytes;

namespace {

const Owner kOwner{"catalog-7d1f", "restorepoint/rp-42", "restorepoint-data"};

// Versions 1..versions of fresh random keys, and a message sealed under each
// (index v-1).
struct SealedPerVersion {
    explicit SealedPerVersion(std::uint32_t versions) {
        for (std::uint32_t v = 1; v <= versions; ++v) {
            BOOST_REQUIRE(keyring.addVersion(v, SecretBytes::random(32)).isOk());
            auto sealed = keyring.encrypt(bytesOf("sealed under " + std::to_string(v)), kOwner);
            BOOST_REQUIRE(sealed.isOk());
            blobs.push_back(std::move(sealed).value());
        }
    }

    StatusCode decryptCode(std::uint32_t version) {
        return keyring.decrypt(blobs[version - 1], kOwner).status().code();
    }

    Keyring keyring{1};
    std::vector<Bytes> blobs;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(keyring_policy)

BOOST_AUTO_TEST_CASE(the_floor_refuses_genuine_older_blobs_and_can_be_lowered_again) {
    SealedPerVersion keys(3);
    BOOST_REQUIRE(keys.keyring.setMinDecryptionVersion(3).isOk());
    auto refused = keys.keyring.decrypt(keys.blobs[0], kOwner);
    BOOST_TEST((refused.status().code() == StatusCode::kForbidden));
    BOOST_TEST(refused.status().message() == "key version 1 is below the min_decryption_version 3");
    BOOST_TEST((keys.decryptCode(2) == StatusCode::kForbidden));
    BOOST_TEST((keys.decryptCode(3) == StatusCode::kOk));

    // Policy, not erasure: lowering the floor brings the old blobs back.
    BOOST_REQUIRE(keys.keyring.setMinDecryptionVersion(1).isOk());
    BOOST_TEST((keys.decryptCode(1) == StatusCode::kOk));
    auto status = keys.keyring.status();
    BOOST_REQUIRE(status.isOk());
    BOOST_TEST(status->minDecryptionVersion == 1u);
}

BOOST_AUTO_TEST_CASE(a_forged_header_naming_a_version_below_the_floor_fails_authentication) {
    SealedPerVersion keys(2);
    BOOST_REQUIRE(keys.keyring.setMinDecryptionVersion(2).isOk());
    // A blob of version 2 relabelled as version 1: the header is
    // authenticated, so this is a forgery, not an old blob.
    Bytes forged = keys.blobs[1];
    forged[15] = 1;
    auto opened = keys.keyring.decrypt(forged, kOwner);
    BOOST_TEST(isAuthenticationFailure(opened.status()), opened.status().message());
}

BOOST_AUTO_TEST_CASE(the_floor_stays_between_the_lowest_held_and_the_latest_version) {
    SealedPerVersion keys(3);
    BOOST_TEST((keys.keyring.setMinDecryptionVersion(0).code() == StatusCode::kInvalid));
    BOOST_TEST((keys.keyring.setMinDecryptionVersion(4).code() == StatusCode::kInvalid));
    BOOST_REQUIRE(keys.keyring.setMinDecryptionVersion(2).isOk());
    BOOST_REQUIRE(keys.keyring.trim(2).isOk());
    auto below = keys.keyring.setMinDecryptionVersion(1);
    BOOST_TEST((below.code() == StatusCode::kInvalid));
    BOOST_TEST(below.message().find("lowest available version 2") != std::string::npos,
               below.message());
}

BOOST_AUTO_TEST_CASE(trim_is_refused_above_the_floor_and_deletes_versions_below_it) {
    // After Vault's TestTransit_Trim: five versions, trims checked at each
    // step against what is still held.
    SealedPerVersion keys(5);
    BOOST_TEST((keys.keyring.trim(0).code() == StatusCode::kInvalid));
    auto aboveFloor = keys.keyring.trim(2);
    BOOST_TEST((aboveFloor.code() == StatusCode::kInvalid));
    BOOST_TEST(aboveFloor.message().find("raise the floor before trimming") != std::string::npos);

    BOOST_REQUIRE(keys.keyring.setMinDecryptionVersion(4).isOk());
    BOOST_TEST((keys.keyring.trim(5).code() == StatusCode::kInvalid));
    BOOST_REQUIRE(keys.keyring.trim(3).isOk());
    auto status = keys.keyring.status();
    BOOST_REQUIRE(status.isOk());
    BOOST_TEST(status->minAvailableVersion == 3u);
    BOOST_TEST(status->minDecryptionVersion == 4u);
    BOOST_TEST(status->latestVersion == 5u);

    // A trimmed version is gone, whatever the floor says later.
    BOOST_REQUIRE(keys.keyring.setMinDecryptionVersion(3).isOk());
    BOOST_TEST(isAuthenticationFailure(keys.keyring.decrypt(keys.blobs[1], kOwner).status()));
    BOOST_TEST((keys.decryptCode(3) == StatusCode::kOk));
    // Trimming again at or below the trim point changes nothing.
    BOOST_TEST(keys.keyring.trim(2).isOk());
    BOOST_TEST((keys.decryptCode(3) == StatusCode::kOk));
}

BOOST_AUTO_TEST_CASE(rotation_seals_under_the_new_version_and_old_blobs_still_open) {
    SealedPerVersion keys(1);
    BOOST_REQUIRE(keys.keyring.addVersion(2, SecretBytes::random(32)).isOk());
    auto sealed = keys.keyring.encrypt(bytesOf("after rotation"), kOwner);
    BOOST_REQUIRE(sealed.isOk());
    BOOST_TEST(sealed.value()[15] == 2);  // the key version's low byte in the header
    BOOST_TEST((keys.decryptCode(1) == StatusCode::kOk));
    auto rewrapped = keys.keyring.rewrap(keys.blobs[0], kOwner);
    BOOST_REQUIRE(rewrapped.isOk());
    BOOST_TEST(rewrapped.value()[15] == 2);
}

BOOST_AUTO_TEST_CASE(encrypting_decrypting_rotating_and_moving_the_floor_at_once) {
    // After Vault's TestPolicyFuzzing: four threads seal, open and rewrap
    // random messages while one rotates and one moves the floor up and
    // down. Every open must give the right plaintext or, for a genuine
    // blob under a version the floor refuses at that moment, Forbidden:
    // never another error, never another plaintext.
    Keyring keyring(1);
    BOOST_REQUIRE(keyring.addVersion(1, SecretBytes::random(32)).isOk());
    std::atomic<bool> done{false};
    std::atomic<int> wrong{0};
    std::atomic<int> forbidden{0};
    std::atomic<int> opens{0};
    std::vector<std::thread> users;
    for (int t = 0; t < 4; ++t) {
        users.emplace_back([&, t] {
            const Owner owner{"catalog", "scope-" + std::to_string(t), "fuzz"};
            std::mt19937 random(static_cast<unsigned>(t));
            // Earlier seals, so that opens meet old versions too.
            std::vector<std::pair<Bytes, Bytes>> sealedBefore;
            for (int i = 0; i < 400; ++i) {
                // Keeps pace with the rotator, which waits for opens in
                // turn, so that the work spans the versions on any
                // scheduler.
                while (keyring.latestVersion() <
                       std::min<std::uint32_t>(30, 1 + static_cast<std::uint32_t>(opens / 50))) {
                    std::this_thread::yield();
                }
                Bytes plaintext = patternBytes(32 + i % 64, static_cast<std::uint32_t>(i));
                auto sealed = keyring.encrypt(plaintext, owner);
                if (!sealed) {
                    ++wrong;
                    continue;
                }
                sealedBefore.emplace_back(std::move(plaintext), std::move(sealed).value());
                const auto& [expected, blob] = sealedBefore[random() % sealedBefore.size()];
                auto moved = i % 2 ? keyring.rewrap(blob, owner) : Result<Bytes>(blob);
                auto opened = moved ? keyring.decrypt(moved.value(), owner) : moved;
                ++opens;
                if (opened && opened.value() == expected) {
                    continue;
                }
                if (opened.status().code() == StatusCode::kForbidden) {
                    ++forbidden;
                } else {
                    ++wrong;
                }
            }
        });
    }
    std::thread rotator([&] {
        // Spread over the users' work: version v once 50 (v - 1) opens
        // are done, so that blobs are sealed under many versions.
        for (std::uint32_t v = 2; v <= 30; ++v) {
            while (opens.load() < static_cast<int>(50 * (v - 1))) {
                std::this_thread::yield();
            }
            if (!keyring.addVersion(v, SecretBytes::random(32))) {
                ++wrong;
            }
        }
    });
    std::thread floor([&] {
        std::mt19937 random(42);
        while (!done.load()) {
            auto status = keyring.status();
            if (!status) {
                ++wrong;
                return;
            }
            std::uniform_int_distribution<std::uint32_t> pick(1, status->latestVersion);
            if (!keyring.setMinDecryptionVersion(pick(random))) {
                ++wrong;
            }
        }
    });
    for (auto& user : users) {
        user.join();
    }
    rotator.join();
    done = true;
    floor.join();
    BOOST_TEST(wrong.load() == 0);
    BOOST_TEST_MESSAGE(forbidden.load() << " opens met a raised floor");
}

BOOST_AUTO_TEST_SUITE_END()
