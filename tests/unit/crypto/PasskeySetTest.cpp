#include "PasskeyRecord.h"
#include "PasskeySet.h"
#include "PasskeyTestSupport.h"

#include <boost/test/unit_test.hpp>

#include <chrono>

using namespace kiod::crypto;
using kiod::StatusCode;
using kiod::crypto::test::keyFile;
using kiod::crypto::test::kFastScrypt;
using kiod::crypto::test::passphrase;
using kiod::crypto::test::patternBytes;

namespace {

Bytes keyBytes(const kiod::Result<SecretBytes>& key) {
    BOOST_REQUIRE_MESSAGE(key.isOk(), key.status().message());
    return Bytes(key->view().begin(), key->view().end());
}

// A set protecting `primaryKey` with passphrase "ops" ("first passphrase")
// and key file "dr" (seed 1).
PasskeySet setOfTwo(const Bytes& primaryKey) {
    PasskeySet set;
    BOOST_REQUIRE(set.add("ops", passphrase("first passphrase"), primaryKey, kFastScrypt).isOk());
    BOOST_REQUIRE(set.add("dr", keyFile(1), primaryKey, kFastScrypt).isOk());
    return set;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(passkey_set)

BOOST_AUTO_TEST_CASE(every_passkey_unlocks_the_same_primary_key) {
    const Bytes primaryKey = patternBytes(32, 9);
    PasskeySet set = setOfTwo(primaryKey);
    BOOST_TEST(set.add("ops-2", passphrase("second passphrase"), primaryKey, kFastScrypt).isOk());
    BOOST_TEST((set.names() == std::vector<std::string>{"dr", "ops", "ops-2"}));

    BOOST_TEST((keyBytes(set.unlock("ops", passphrase("first passphrase"))) == primaryKey));
    BOOST_TEST((keyBytes(set.unlock("ops-2", passphrase("second passphrase"))) == primaryKey));
    BOOST_TEST((keyBytes(set.unlock("dr", keyFile(1))) == primaryKey));
    // Without a name, whichever record of the passkey's kind opens.
    BOOST_TEST((keyBytes(set.unlock(passphrase("second passphrase"))) == primaryKey));
    BOOST_TEST((keyBytes(set.unlock(keyFile(1))) == primaryKey));
}

BOOST_AUTO_TEST_CASE(a_wrong_passkey_unlocks_nothing) {
    PasskeySet set = setOfTwo(patternBytes(32, 9));
    BOOST_TEST(isWrongPasskey(set.unlock(passphrase("guess")).status()));
    BOOST_TEST(isWrongPasskey(set.unlock("ops", passphrase("guess")).status()));
    BOOST_TEST(isWrongPasskey(set.unlock(keyFile(2)).status()));
    BOOST_TEST(isWrongPasskey(set.unlock("ops", keyFile(1)).status()));  // dr's file, ops's record
    BOOST_TEST((set.unlock("nobody", keyFile(1)).status().code() == StatusCode::kNotFound));
    BOOST_TEST((PasskeySet().unlock(keyFile(1)).status().code() == StatusCode::kUnavailable));
}

BOOST_AUTO_TEST_CASE(a_deleted_passkey_no_longer_unlocks_and_the_last_cannot_be_deleted) {
    const Bytes primaryKey = patternBytes(32, 9);
    PasskeySet set = setOfTwo(primaryKey);
    BOOST_TEST(set.remove("dr").isOk());
    BOOST_TEST((set.names() == std::vector<std::string>{"ops"}));
    BOOST_TEST(isWrongPasskey(set.unlock(keyFile(1)).status()));
    BOOST_TEST((set.remove("dr").code() == StatusCode::kNotFound));

    kiod::Status last = set.remove("ops");
    BOOST_TEST((last.code() == StatusCode::kConflict));
    BOOST_TEST(last.message().find("is the last valid passkey") != std::string::npos,
               last.message());
    BOOST_TEST((keyBytes(set.unlock(passphrase("first passphrase"))) == primaryKey));
}

BOOST_AUTO_TEST_CASE(changing_a_passphrase_is_add_then_delete) {
    const Bytes primaryKey = patternBytes(32, 9);
    PasskeySet set = setOfTwo(primaryKey);
    auto unlocked = set.unlock("ops", passphrase("first passphrase"));
    BOOST_TEST_REQUIRE(unlocked.isOk());
    BOOST_TEST(set.add("ops-new", passphrase("new one"), unlocked->view(), kFastScrypt).isOk());
    BOOST_TEST(set.remove("ops").isOk());
    BOOST_TEST(isWrongPasskey(set.unlock(passphrase("first passphrase")).status()));
    BOOST_TEST((keyBytes(set.unlock(passphrase("new one"))) == primaryKey));
}

BOOST_AUTO_TEST_CASE(adding_needs_the_primary_key_the_set_protects_and_a_free_name) {
    PasskeySet set = setOfTwo(patternBytes(32, 9));
    kiod::Status other = set.add("x", passphrase("pw"), patternBytes(32, 10), kFastScrypt);
    BOOST_TEST((other.code() == StatusCode::kInvalid));
    BOOST_TEST(other.message().find("not the primary key") != std::string::npos, other.message());
    BOOST_TEST((set.add("ops", passphrase("pw"), patternBytes(32, 9), kFastScrypt).code() ==
                StatusCode::kAlreadyExists));
    BOOST_TEST((set.add("", passphrase("pw"), patternBytes(32, 9), kFastScrypt).code() ==
                StatusCode::kInvalid));
    BOOST_TEST((
        set.add(std::string(254, 'a'), passphrase("pw"), patternBytes(32, 9), kFastScrypt).code() ==
        StatusCode::kInvalid));
    BOOST_TEST((set.names() == std::vector<std::string>{"dr", "ops"}));
}

BOOST_AUTO_TEST_CASE(a_set_restored_from_its_bytes_unlocks_with_the_passphrase_alone) {
    const Bytes primaryKey = patternBytes(32, 9);
    Bytes stored = setOfTwo(primaryKey).serialize();

    // A restart, or the catalog restored elsewhere: only the bytes remain.
    auto restored = PasskeySet::parse(stored);
    BOOST_TEST_REQUIRE(restored.isOk(), restored.status().message());
    BOOST_TEST((restored->names() == std::vector<std::string>{"dr", "ops"}));
    BOOST_TEST((keyBytes(restored->unlock(passphrase("first passphrase"))) == primaryKey));
    BOOST_TEST((restored->serialize() == stored));

    // And it keeps its rules: the primary key check survived.
    BOOST_TEST((restored->add("x", passphrase("pw"), patternBytes(32, 10), kFastScrypt).code() ==
                StatusCode::kInvalid));
}

BOOST_AUTO_TEST_CASE(a_record_that_opens_but_holds_another_primary_key_is_refused) {
    // The same name and passphrase in another installation's set.
    PasskeySet ours = setOfTwo(patternBytes(32, 9));
    PasskeySet theirs;
    BOOST_TEST_REQUIRE(
        theirs.add("ops", passphrase("first passphrase"), patternBytes(32, 10), kFastScrypt)
            .isOk());
    Bytes oursBytes = ours.serialize();
    Bytes theirsBytes = theirs.serialize();
    // Splice their "ops" record (the last field of their set) over ours (the
    // last field of ours: names sort "dr" < "ops").
    const std::size_t recordSize = 18 + 16 + 12 + 32 + 16;
    std::copy(theirsBytes.end() - recordSize, theirsBytes.end(), oursBytes.end() - recordSize);
    auto spliced = PasskeySet::parse(oursBytes);
    BOOST_TEST_REQUIRE(spliced.isOk());
    auto status = spliced->unlock("ops", passphrase("first passphrase")).status();
    BOOST_TEST((status.code() == StatusCode::kInvalid));
    BOOST_TEST(status.message().find("another primary key") != std::string::npos, status.message());
}

BOOST_AUTO_TEST_CASE(malformed_set_bytes_are_invalid) {
    Bytes stored = setOfTwo(patternBytes(32, 9)).serialize();
    for (std::size_t size = 0; size < stored.size(); size += 7) {
        Bytes cut(stored.begin(), stored.begin() + static_cast<std::ptrdiff_t>(size));
        BOOST_TEST((PasskeySet::parse(cut).status().code() == StatusCode::kInvalid), size);
    }
    Bytes longer = stored;
    longer.push_back(0);
    BOOST_TEST((PasskeySet::parse(longer).status().code() == StatusCode::kInvalid));
    Bytes badRecord = stored;
    badRecord[badRecord.size() - 94 + 4] = 9;  // the last record's format version
    auto status = PasskeySet::parse(badRecord).status();
    BOOST_TEST(status.message() ==
               "passkey set: passkey ops: passkey record: format version 9 is not 1");
}

BOOST_AUTO_TEST_CASE(the_default_scrypt_parameters_add_and_unlock) {
    const Bytes primaryKey = patternBytes(32, 9);
    PasskeySet set;
    const auto start = std::chrono::steady_clock::now();
    BOOST_TEST_REQUIRE(set.add("ops", passphrase("pw"), primaryKey).isOk());
    BOOST_TEST((keyBytes(set.unlock(passphrase("pw"))) == primaryKey));
    const auto elapsed = std::chrono::steady_clock::now() - start;
    BOOST_TEST_MESSAGE("two scrypt derivations at N=2^17, r=8, p=1: "
                       << std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count()
                       << " ms");
    Bytes stored = set.serialize();
    const std::size_t log2NOffset = stored.size() - 94 + 7;
    BOOST_TEST(stored[log2NOffset] == 17);
}

BOOST_AUTO_TEST_SUITE_END()
