// The keyring's persistence against a real catalog file: what the first
// start creates, later starts unlock, and what a wrong passphrase leaves.
#include "CatalogFile.h"
#include "CryptoTestSupport.h"
#include "KeyringStore.h"
#include "PasskeyRecord.h"
#include "PasskeyTestSupport.h"

#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <utility>

namespace fs = std::filesystem;

namespace kiod::crypto::test {
namespace {

const catalog::ObjectKey kKeyringKey{KeyringStore::kResource, "", KeyringStore::kName};
const Owner kOwner{"catalog-1", "restorepoint-1", "restorepoint-data"};

// A fresh keyring unlocked from `catalog` with passphrase `text`.
std::pair<Status, std::shared_ptr<Keyring>> unlock(CatalogFile& catalog, const std::string& text) {
    auto keyring = std::make_shared<Keyring>(KeyringStore::kKeyId);
    auto opened = KeyringStore(catalog.open(), kFastScrypt).open(passphrase(text), *keyring);
    return {opened.status(), keyring};
}

// The catalog as a second kiod starting at the same moment sees it: just
// before this start creates the keyring, `other` creates one of its own.
class RacingStore final : public catalog::ObjectStore {
public:
    RacingStore(catalog::ObjectStore& store, std::function<void()> other)
        : store_(store), other_(std::move(other)) {}

    Result<catalog::StoredObject> create(const catalog::ObjectKey& key,
                                         const std::string& json) override {
        if (other_) {
            std::exchange(other_, nullptr)();
        }
        return store_.create(key, json);
    }
    Result<catalog::StoredObject> get(const catalog::ObjectKey& key) override {
        return store_.get(key);
    }
    Result<catalog::StoredObject> update(const catalog::ObjectKey& key, const std::string& json,
                                         catalog::Revision expected) override {
        return store_.update(key, json, expected);
    }
    Result<catalog::StoredObject> remove(const catalog::ObjectKey& key,
                                         const catalog::Preconditions& preconditions) override {
        return store_.remove(key, preconditions);
    }
    Result<std::vector<catalog::StoredObject>> apply(
        const std::vector<catalog::Mutation>& mutations) override {
        return store_.apply(mutations);
    }
    Result<catalog::ListPage> list(const catalog::ListOptions& options) override {
        return store_.list(options);
    }
    Result<std::unique_ptr<catalog::Watch>> watch(const catalog::WatchOptions& options) override {
        return store_.watch(options);
    }
    catalog::Revision currentRevision() const override { return store_.currentRevision(); }

private:
    catalog::ObjectStore& store_;
    std::function<void()> other_;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(keyring_store)

BOOST_AUTO_TEST_CASE(first_start_creates_the_keyring_and_unlocks_it) {
    CatalogFile catalog;
    auto [status, keyring] = unlock(catalog, "correct horse");
    BOOST_REQUIRE_MESSAGE(status.isOk(), status.message());
    BOOST_TEST(keyring->latestVersion() == 1u);
    auto stored = catalog.open().get(kKeyringKey);
    BOOST_REQUIRE(stored.isOk());
    BOOST_TEST(stored->json.find("\"passkeySet\"") != std::string::npos);
    BOOST_TEST(stored->json.find("\"rootKeyVersions\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_later_start_unlocks_and_decrypts_what_the_first_encrypted) {
    CatalogFile catalog;
    auto [created, first] = unlock(catalog, "correct horse");
    BOOST_REQUIRE(created.isOk());
    auto ciphertext = first->encrypt(bytesOf("the data"), kOwner);
    BOOST_REQUIRE(ciphertext.isOk());
    auto revision = catalog.open().currentRevision();

    auto [unlocked, second] = unlock(catalog, "correct horse");
    BOOST_REQUIRE_MESSAGE(unlocked.isOk(), unlocked.message());
    auto plaintext = second->decrypt(ciphertext.value(), kOwner);
    BOOST_REQUIRE(plaintext.isOk());
    BOOST_TEST(plaintext.value() == bytesOf("the data"));
    BOOST_TEST(catalog.open().currentRevision() == revision, "a later start writes nothing");
}

BOOST_AUTO_TEST_CASE(a_wrong_passphrase_fails_and_leaves_the_catalog_as_it_was) {
    CatalogFile catalog;
    BOOST_REQUIRE(unlock(catalog, "correct horse").first.isOk());
    auto before = catalog.open().get(kKeyringKey);
    BOOST_REQUIRE(before.isOk());
    auto revision = catalog.open().currentRevision();

    auto [status, keyring] = unlock(catalog, "battery staple");
    BOOST_TEST(isWrongPasskey(status), status.message());
    BOOST_TEST(keyring->latestVersion() == 0u);
    BOOST_TEST(
        (keyring->encrypt(bytesOf("x"), kOwner).status().code() == StatusCode::kUnavailable));

    auto after = catalog.open().get(kKeyringKey);
    BOOST_REQUIRE(after.isOk());
    BOOST_TEST(after->json == before->json);
    BOOST_TEST(after->revision == before->revision);
    BOOST_TEST(catalog.open().currentRevision() == revision);
}

BOOST_AUTO_TEST_CASE(a_copy_of_the_catalog_file_unlocks_elsewhere_with_the_passphrase_alone) {
    CatalogFile original;
    auto [created, keyring] = unlock(original, "correct horse");
    BOOST_REQUIRE(created.isOk());
    auto ciphertext = keyring->encrypt(bytesOf("backed up"), kOwner);
    BOOST_REQUIRE(ciphertext.isOk());
    original.close();

    CatalogFile elsewhere;
    fs::copy_file(original.path(), elsewhere.path(), fs::copy_options::overwrite_existing);
    auto [unlocked, restored] = unlock(elsewhere, "correct horse");
    BOOST_REQUIRE_MESSAGE(unlocked.isOk(), unlocked.message());
    auto plaintext = restored->decrypt(ciphertext.value(), kOwner);
    BOOST_REQUIRE(plaintext.isOk());
    BOOST_TEST(plaintext.value() == bytesOf("backed up"));
}

BOOST_AUTO_TEST_CASE(a_root_key_version_moved_to_another_number_does_not_load) {
    CatalogFile catalog;
    BOOST_REQUIRE(unlock(catalog, "correct horse").first.isOk());
    auto& store = catalog.open();
    auto stored = store.get(kKeyringKey);
    BOOST_REQUIRE(stored.isOk());
    auto json = stored->json;
    auto at = json.find("\"version\":1");
    BOOST_REQUIRE(at != std::string::npos);
    json.replace(at, 11, "\"version\":2");
    // The floor follows, or the object would not parse before any key is
    // tried.
    at = json.find("\"minDecryptionVersion\":1");
    BOOST_REQUIRE(at != std::string::npos);
    json.replace(at, 24, "\"minDecryptionVersion\":2");
    BOOST_REQUIRE(store.update(kKeyringKey, json, stored->revision).isOk());

    auto [status, keyring] = unlock(catalog, "correct horse");
    BOOST_TEST((status.code() == StatusCode::kInvalid), status.message());
    BOOST_TEST(status.message().find("root key version 2") != std::string::npos, status.message());
    BOOST_TEST(keyring->latestVersion() == 0u, "nothing half loaded");
}

// Two first starts on one empty catalog: the winner, with "correct horse",
// creates the keyring between the loser's look and the loser's create.
struct FirstStartRace {
    explicit FirstStartRace(const std::string& loserPassphrase) {
        auto& store = catalog.open();
        RacingStore racing(store, [&] {
            BOOST_REQUIRE(
                KeyringStore(store, kFastScrypt).open(passphrase("correct horse"), winner).isOk());
        });
        loserStatus =
            KeyringStore(racing, kFastScrypt).open(passphrase(loserPassphrase), loser).status();
    }

    CatalogFile catalog;
    Keyring winner{KeyringStore::kKeyId};
    Keyring loser{KeyringStore::kKeyId};
    Status loserStatus;
};

BOOST_AUTO_TEST_CASE(of_two_first_starts_racing_the_second_unlocks_the_first_keyring) {
    FirstStartRace race("correct horse");
    auto& [catalog, winner, loser, status] = race;
    BOOST_REQUIRE_MESSAGE(status.isOk(), status.message());

    auto ciphertext = winner.encrypt(bytesOf("one keyring"), kOwner);
    BOOST_REQUIRE(ciphertext.isOk());
    auto plaintext = loser.decrypt(ciphertext.value(), kOwner);
    BOOST_REQUIRE(plaintext.isOk());
    BOOST_TEST(plaintext.value() == bytesOf("one keyring"));
}

BOOST_AUTO_TEST_CASE(a_racing_first_start_with_another_passphrase_overwrites_nothing) {
    FirstStartRace race("battery staple");
    auto& [catalog, winner, loser, status] = race;
    BOOST_TEST(isWrongPasskey(status), status.message());
    BOOST_TEST(loser.latestVersion() == 0u);
    BOOST_TEST(unlock(catalog, "correct horse").first.isOk());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace kiod::crypto::test
