#include "CryptoTestSupport.h"
#include "EnvelopeHeader.h"
#include "Keyring.h"

#include <kiod/crypto/KeyService.h>

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <atomic>
#include <memory>
#include <thread>
#include <vector>

using namespace kiod::crypto;
using kiod::crypto::test::bytesOf;
using kiod::crypto::test::patternBytes;

namespace {

const Owner kOwner{"catalog-7d1f", "restorepoint/rp-42", "restorepoint-data"};

// A keyring with versions 1..versions of fresh random keys.
std::unique_ptr<Keyring> keyringWith(std::uint32_t versions, std::uint32_t keyId = 1) {
    auto keyring = std::make_unique<Keyring>(keyId);
    for (std::uint32_t v = 1; v <= versions; ++v) {
        BOOST_REQUIRE(keyring->addVersion(v, SecretBytes::random(32)).isOk());
    }
    return keyring;
}

std::uint32_t u32At(const Bytes& blob, std::size_t offset) {
    return (std::uint32_t{blob[offset]} << 24) | (std::uint32_t{blob[offset + 1]} << 16) |
           (std::uint32_t{blob[offset + 2]} << 8) | blob[offset + 3];
}

// Flips one bit, then another, of every byte in turn and expects `open` to
// fail with the one opaque error each time.
template <class Open>
void expectEveryFlippedByteFails(const Bytes& sealed, Open open) {
    for (std::size_t i = 0; i < sealed.size(); ++i) {
        for (std::uint8_t mask : {0x01, 0x80}) {
            Bytes tampered = sealed;
            tampered[i] ^= mask;
            kiod::Status status = open(tampered);
            BOOST_TEST(isAuthenticationFailure(status),
                       "byte " << i << " ^ " << int(mask) << ": " << status.message());
        }
    }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(envelope)

BOOST_AUTO_TEST_CASE(a_generated_data_key_unwraps_for_its_owner) {
    auto keyring = keyringWith(1);
    auto dataKey = keyring->generateDataKey(kOwner);
    BOOST_TEST_REQUIRE(dataKey.isOk());
    BOOST_TEST(dataKey->plaintext.size() == 32u);
    BOOST_TEST(dataKey->wrapped.size() == 28u + 32u + 16u);
    auto unwrapped = keyring->unwrap(dataKey->wrapped, kOwner);
    BOOST_TEST_REQUIRE(unwrapped.isOk());
    BOOST_TEST((Bytes(unwrapped->view().begin(), unwrapped->view().end()) ==
                Bytes(dataKey->plaintext.view().begin(), dataKey->plaintext.view().end())));
}

BOOST_AUTO_TEST_CASE(a_data_key_generated_wrapped_only_unwraps_to_a_fresh_key) {
    auto keyring = keyringWith(1);
    auto first = keyring->generateWrappedDataKey(kOwner);
    auto second = keyring->generateWrappedDataKey(kOwner);
    BOOST_TEST_REQUIRE((first.isOk() && second.isOk()));
    auto a = keyring->unwrap(first.value(), kOwner);
    auto b = keyring->unwrap(second.value(), kOwner);
    BOOST_TEST_REQUIRE((a.isOk() && b.isOk()));
    BOOST_TEST(a->size() == 32u);
    BOOST_TEST(!std::equal(a->view().begin(), a->view().end(), b->view().begin()));
}

BOOST_AUTO_TEST_CASE(the_header_is_laid_out_as_documented) {
    auto keyring = keyringWith(3, 0x01020304);
    auto dataKey = keyring->generateDataKey(kOwner);
    BOOST_TEST_REQUIRE(dataKey.isOk());
    const Bytes& blob = dataKey->wrapped;
    BOOST_TEST((Bytes(blob.begin(), blob.begin() + 4) == bytesOf("KIOD")));
    BOOST_TEST(blob[4] == 1);  // format version
    BOOST_TEST(blob[5] == 2);  // wrapped key
    BOOST_TEST(blob[6] == 1);  // AES-256-GCM
    BOOST_TEST(blob[7] == 0);  // reserved
    BOOST_TEST(u32At(blob, 8) == 0x01020304u);
    BOOST_TEST(u32At(blob, 12) == 3u);
    BOOST_TEST(dataKey->wrappedUnder.keyVersion == 3u);

    auto sealed = keyring->encrypt(bytesOf("hello"), kOwner);
    BOOST_TEST_REQUIRE(sealed.isOk());
    BOOST_TEST(sealed->size() == 28u + 5u + 16u);
    BOOST_TEST(sealed.value()[5] == 1);  // message
}

BOOST_AUTO_TEST_CASE(two_seals_of_the_same_plaintext_differ) {
    auto keyring = keyringWith(1);
    auto first = keyring->encrypt(bytesOf("same"), kOwner);
    auto second = keyring->encrypt(bytesOf("same"), kOwner);
    BOOST_TEST_REQUIRE((first.isOk() && second.isOk()));
    BOOST_TEST((first.value() != second.value()));  // a fresh random nonce each time
}

BOOST_AUTO_TEST_CASE(every_flipped_byte_of_a_wrapped_key_fails_authentication) {
    auto keyring = keyringWith(1);
    auto dataKey = keyring->generateDataKey(kOwner);
    BOOST_TEST_REQUIRE(dataKey.isOk());
    expectEveryFlippedByteFails(dataKey->wrapped, [&](const Bytes& tampered) {
        return keyring->unwrap(tampered, kOwner).status();
    });
}

BOOST_AUTO_TEST_CASE(every_flipped_byte_of_a_ciphertext_fails_authentication) {
    auto keyring = keyringWith(1);
    auto sealed = keyring->encrypt(patternBytes(100), kOwner);
    BOOST_TEST_REQUIRE(sealed.isOk());
    expectEveryFlippedByteFails(sealed.value(), [&](const Bytes& tampered) {
        return keyring->decrypt(tampered, kOwner).status();
    });
}

BOOST_AUTO_TEST_CASE(a_truncated_or_extended_blob_fails_authentication) {
    auto keyring = keyringWith(1);
    auto sealed = keyring->encrypt(patternBytes(40), kOwner);
    BOOST_TEST_REQUIRE(sealed.isOk());
    for (std::size_t size = 0; size < sealed->size(); ++size) {
        Bytes cut(sealed->begin(), sealed->begin() + static_cast<std::ptrdiff_t>(size));
        BOOST_TEST(isAuthenticationFailure(keyring->decrypt(cut, kOwner).status()), size);
    }
    Bytes longer = sealed.value();
    longer.push_back(0);
    BOOST_TEST(isAuthenticationFailure(keyring->decrypt(longer, kOwner).status()));
}

BOOST_AUTO_TEST_CASE(a_wrapped_key_moved_to_another_owner_fails_authentication) {
    auto keyring = keyringWith(1);
    auto dataKey = keyring->generateDataKey(kOwner);
    BOOST_TEST_REQUIRE(dataKey.isOk());
    const Owner others[] = {
        {"catalog-other", kOwner.scope, kOwner.purpose},
        {kOwner.catalogId, "restorepoint/rp-43", kOwner.purpose},
        {kOwner.catalogId, kOwner.scope, "passkey"},
        {kOwner.catalogId + kOwner.scope, "", kOwner.purpose},  // same bytes, other fields
        {},
    };
    for (const Owner& other : others) {
        BOOST_TEST(isAuthenticationFailure(keyring->unwrap(dataKey->wrapped, other).status()));
    }
}

BOOST_AUTO_TEST_CASE(changed_associated_data_fails_authentication) {
    auto keyring = keyringWith(1);
    auto sealed = keyring->encrypt(bytesOf("secret"), kOwner);
    BOOST_TEST_REQUIRE(sealed.isOk());
    Owner changed = kOwner;
    changed.purpose = "Restorepoint-data";  // case matters
    BOOST_TEST(isAuthenticationFailure(keyring->decrypt(sealed.value(), changed).status()));
    auto opened = keyring->decrypt(sealed.value(), kOwner);
    BOOST_TEST_REQUIRE(opened.isOk());
    BOOST_TEST((opened.value() == bytesOf("secret")));
}

BOOST_AUTO_TEST_CASE(the_wrong_key_fails_authentication) {
    auto keyring = keyringWith(1);
    auto sameIdOtherKey = keyringWith(1);
    auto otherId = keyringWith(1, 2);
    auto dataKey = keyring->generateDataKey(kOwner);
    auto sealed = keyring->encrypt(bytesOf("secret"), kOwner);
    BOOST_TEST_REQUIRE((dataKey.isOk() && sealed.isOk()));
    for (Keyring* wrong : {sameIdOtherKey.get(), otherId.get()}) {
        BOOST_TEST(isAuthenticationFailure(wrong->unwrap(dataKey->wrapped, kOwner).status()));
        BOOST_TEST(isAuthenticationFailure(wrong->decrypt(sealed.value(), kOwner).status()));
    }
}

BOOST_AUTO_TEST_CASE(a_wrapped_key_is_not_a_ciphertext_and_back) {
    auto keyring = keyringWith(1);
    auto dataKey = keyring->generateDataKey(kOwner);
    auto sealed = keyring->encrypt(patternBytes(32), kOwner);
    BOOST_TEST_REQUIRE((dataKey.isOk() && sealed.isOk()));
    BOOST_TEST(isAuthenticationFailure(keyring->decrypt(dataKey->wrapped, kOwner).status()));
    BOOST_TEST(isAuthenticationFailure(keyring->unwrap(sealed.value(), kOwner).status()));
    // Relabelling the kind byte does not help: it is authenticated.
    Bytes relabelled = dataKey->wrapped;
    relabelled[5] = 1;
    BOOST_TEST(isAuthenticationFailure(keyring->decrypt(relabelled, kOwner).status()));
}

BOOST_AUTO_TEST_CASE(rewrap_moves_a_wrapped_key_and_a_ciphertext_to_the_latest_version) {
    auto keyring = keyringWith(1);
    auto dataKey = keyring->generateDataKey(kOwner);
    auto sealed = keyring->encrypt(bytesOf("secret"), kOwner);
    BOOST_TEST_REQUIRE((dataKey.isOk() && sealed.isOk()));
    BOOST_TEST_REQUIRE(keyring->addVersion(2, SecretBytes::random(32)).isOk());

    auto rewrapped = keyring->rewrap(dataKey->wrapped, kOwner);
    BOOST_TEST_REQUIRE(rewrapped.isOk());
    BOOST_TEST(u32At(rewrapped.value(), 12) == 2u);
    auto unwrapped = keyring->unwrap(rewrapped.value(), kOwner);
    BOOST_TEST_REQUIRE(unwrapped.isOk());
    BOOST_TEST((Bytes(unwrapped->view().begin(), unwrapped->view().end()) ==
                Bytes(dataKey->plaintext.view().begin(), dataKey->plaintext.view().end())));

    auto resealed = keyring->rewrap(sealed.value(), kOwner);
    BOOST_TEST_REQUIRE(resealed.isOk());
    BOOST_TEST(u32At(resealed.value(), 12) == 2u);
    BOOST_TEST((keyring->decrypt(resealed.value(), kOwner).value() == bytesOf("secret")));

    // Rewrap authenticates first: another owner cannot launder a blob.
    Owner other = kOwner;
    other.scope = "restorepoint/rp-43";
    BOOST_TEST(isAuthenticationFailure(keyring->rewrap(dataKey->wrapped, other).status()));
}

BOOST_AUTO_TEST_CASE(a_version_the_keyring_does_not_hold_fails_authentication) {
    auto keyring = keyringWith(2);
    auto sealed = keyring->encrypt(bytesOf("secret"), kOwner);
    BOOST_TEST_REQUIRE(sealed.isOk());
    auto older = keyringWith(1);  // version 1 only, and other key material
    BOOST_TEST(isAuthenticationFailure(older->decrypt(sealed.value(), kOwner).status()));
}

BOOST_AUTO_TEST_CASE(an_empty_keyring_is_unavailable_and_bad_versions_are_refused) {
    Keyring keyring(1);
    BOOST_TEST((keyring.generateDataKey(kOwner).status().code() == kiod::StatusCode::kUnavailable));
    BOOST_TEST(
        (keyring.encrypt(bytesOf("x"), kOwner).status().code() == kiod::StatusCode::kUnavailable));
    auto other = keyringWith(1);
    auto sealed = other->encrypt(bytesOf("x"), kOwner);
    BOOST_TEST_REQUIRE(sealed.isOk());
    BOOST_TEST((keyring.decrypt(sealed.value(), kOwner).status().code() ==
                kiod::StatusCode::kUnavailable));
    BOOST_TEST(
        (keyring.addVersion(0, SecretBytes::random(32)).code() == kiod::StatusCode::kInvalid));
    BOOST_TEST(
        (keyring.addVersion(1, SecretBytes::random(16)).code() == kiod::StatusCode::kInvalid));
    BOOST_TEST(keyring.addVersion(1, SecretBytes::random(32)).isOk());
    BOOST_TEST((keyring.addVersion(1, SecretBytes::random(32)).code() ==
                kiod::StatusCode::kAlreadyExists));
    BOOST_TEST(keyring.latestVersion() == 1u);
}

BOOST_AUTO_TEST_CASE(concurrent_use_while_versions_are_added_gives_no_wrong_answer) {
    // Threads seal, rewrap and open while another adds versions: every
    // answer must be the right plaintext, never an error or a mix-up.
    auto keyring = keyringWith(1);
    std::atomic<int> wrong{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            const Owner owner{"catalog", "scope-" + std::to_string(t), "test"};
            for (int i = 0; i < 300; ++i) {
                const Bytes plaintext = patternBytes(64, static_cast<std::uint32_t>(t * 1000 + i));
                auto sealed = keyring->encrypt(plaintext, owner);
                auto moved = sealed ? keyring->rewrap(sealed.value(), owner) : sealed;
                auto opened = moved ? keyring->decrypt(moved.value(), owner) : moved;
                if (!opened || opened.value() != plaintext) {
                    ++wrong;
                }
            }
        });
    }
    for (std::uint32_t v = 2; v <= 20; ++v) {
        BOOST_REQUIRE(keyring->addVersion(v, SecretBytes::random(32)).isOk());
        std::this_thread::yield();
    }
    for (auto& thread : threads) {
        thread.join();
    }
    BOOST_TEST(wrong.load() == 0);
    BOOST_TEST(keyring->latestVersion() == 20u);
}

BOOST_AUTO_TEST_CASE(an_empty_message_round_trips) {
    auto keyring = keyringWith(1);
    auto sealed = keyring->encrypt({}, kOwner);
    BOOST_TEST_REQUIRE(sealed.isOk());
    auto opened = keyring->decrypt(sealed.value(), kOwner);
    BOOST_TEST_REQUIRE(opened.isOk());
    BOOST_TEST(opened->empty());
}

BOOST_AUTO_TEST_CASE(owner_encoding_separates_fields) {
    BOOST_TEST((Owner{"a", "bc", ""}.encode() != Owner{"ab", "c", ""}.encode()));
    BOOST_TEST((Owner{"a", "", "b"}.encode() != Owner{"a", "b", ""}.encode()));
}

BOOST_AUTO_TEST_SUITE_END()
