// The keyring's lifecycle against a real catalog file: rotation, the floor
// and trim persisted across restarts, stored data keys moved by the
// background rewrap, and what it does with a key it cannot open.
#include "CatalogFile.h"
#include "CryptoTestSupport.h"
#include "KeyManager.h"
#include "PasskeyTestSupport.h"
#include "StoredDataKeys.h"

#include <Poco/Logger.h>
#include <boost/test/unit_test.hpp>

#include <condition_variable>
#include <memory>
#include <mutex>

namespace kiod::crypto::test {
namespace {

Owner ownerOf(int i) {
    return {"catalog-1", "rp-" + std::to_string(i), "data"};
}

// The progress reports of a KeyManager's rewrap, for a test to wait on.
class Reports {
public:
    Rewrapper::ProgressSink sink() {
        return [this](const std::string& message) {
            std::lock_guard lock(mutex_);
            messages_.push_back(message);
            arrived_.notify_all();
        };
    }

    // The first report containing `text`, waiting up to 20 s for it.
    std::string waitFor(const std::string& text) {
        std::unique_lock lock(mutex_);
        std::string found;
        arrived_.wait_for(lock, std::chrono::seconds(20), [&] {
            for (const auto& message : messages_) {
                if (message.find(text) != std::string::npos) {
                    found = message;
                    return true;
                }
            }
            return false;
        });
        return found;
    }

private:
    std::mutex mutex_;
    std::condition_variable arrived_;
    std::vector<std::string> messages_;
};

// A KeyManager on a catalog file, started and stopped as kiod's modules
// are across restarts.
class Installation {
public:
    ~Installation() { close(); }

    // Starts (again), unlocking with "correct horse" unless told otherwise.
    KeyManager& start(const std::string& passphrase = "correct horse", RewrapSettings rewrap = {}) {
        close();
        auto& store = catalog_.open();
        reports = std::make_unique<Reports>();
        keys_ = std::make_unique<KeyManager>(store, store.wrappedKeys(), kFastScrypt, rewrap,
                                             Poco::Logger::get("test"), reports->sink());
        unlocked = keys_->unlock(crypto::test::passphrase(passphrase));
        dataKeys_ = std::make_unique<StoredDataKeys>(*keys_->keyring(), store.wrappedKeys());
        wrappedKeys_ = &store.wrappedKeys();
        return *keys_;
    }

    void close() {
        dataKeys_.reset();
        keys_.reset();
        catalog_.close();
    }

    KeyManager& keys() { return *keys_; }
    StoredDataKeys& dataKeys() { return *dataKeys_; }
    catalog::WrappedKeyStore& wrappedKeys() { return *wrappedKeys_; }

    std::unique_ptr<Reports> reports;
    Status unlocked;

private:
    CatalogFile catalog_;
    std::unique_ptr<KeyManager> keys_;
    std::unique_ptr<StoredDataKeys> dataKeys_;
    catalog::WrappedKeyStore* wrappedKeys_ = nullptr;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(key_manager)

BOOST_AUTO_TEST_CASE(rotation_floor_and_trim_survive_a_restart) {
    Installation installation;
    auto& keys = installation.start();
    BOOST_REQUIRE(installation.unlocked.isOk());
    auto old = keys.keyring()->encrypt(bytesOf("under version 1"), ownerOf(0));
    BOOST_REQUIRE(old.isOk());
    BOOST_REQUIRE(keys.rotate().isOk());
    auto rotated = keys.rotate();
    BOOST_REQUIRE(rotated.isOk());
    BOOST_TEST(rotated->latestVersion == 3u);
    BOOST_REQUIRE(keys.setMinDecryptionVersion(2).isOk());
    BOOST_REQUIRE(keys.trim(2).isOk());

    auto& restarted = installation.start();
    BOOST_REQUIRE(installation.unlocked.isOk());
    auto status = restarted.keyring()->status();
    BOOST_REQUIRE(status.isOk());
    BOOST_TEST(status->latestVersion == 3u);
    BOOST_TEST(status->minDecryptionVersion == 2u);
    BOOST_TEST(status->minAvailableVersion == 2u);
    BOOST_TEST(
        isAuthenticationFailure(restarted.keyring()->decrypt(old.value(), ownerOf(0)).status()));
}

BOOST_AUTO_TEST_CASE(a_rotation_moves_every_stored_key_and_trim_waits_for_it) {
    Installation installation;
    auto& keys = installation.start("correct horse", {50, 0, false});
    for (int i = 0; i < 120; ++i) {
        BOOST_REQUIRE(installation.dataKeys().create("key-" + std::to_string(i), ownerOf(i)));
    }
    auto before = installation.dataKeys().open("key-7", ownerOf(7));
    BOOST_REQUIRE(before.isOk());
    BOOST_REQUIRE(keys.rotate().isOk());
    BOOST_REQUIRE(keys.setMinDecryptionVersion(2).isOk());
    auto refused = keys.trim(2);
    BOOST_TEST((refused.code() == StatusCode::kConflict));
    BOOST_TEST(refused.message() ==
               "120 stored data keys are sealed under key version 1, below 2: rewrap them "
               "before trimming");

    // A pass cannot open keys below the floor: each is counted and left.
    BOOST_REQUIRE(keys.rewrapStoredKeys().isOk());
    BOOST_TEST(installation.reports->waitFor("done") ==
               "rewrap to key version 2 done: 0 rewrapped, 120 failed");
    BOOST_REQUIRE(keys.setMinDecryptionVersion(1).isOk());
    BOOST_REQUIRE(keys.rewrapStoredKeys().isOk());
    BOOST_TEST(!installation.reports->waitFor("done: 120 rewrapped, 0 failed").empty());

    auto report = keys.report();
    BOOST_REQUIRE(report.isOk());
    BOOST_TEST(report->storedKeysByVersion.size() == 1u);
    BOOST_TEST(report->storedKeysByVersion.at(2) == 120u);
    BOOST_TEST(report->rewrap.total == 120u);
    BOOST_TEST(report->rewrap.rewrapped == 120u);
    auto after = installation.dataKeys().open("key-7", ownerOf(7));
    BOOST_REQUIRE(after.isOk());
    BOOST_TEST((after->view().size() == 32u &&
                std::equal(after->view().begin(), after->view().end(), before->view().begin())));
    BOOST_REQUIRE(keys.setMinDecryptionVersion(2).isOk());
    BOOST_TEST(keys.trim(2).isOk());
}

BOOST_AUTO_TEST_CASE(a_stored_key_that_does_not_open_is_counted_named_and_skipped) {
    Installation installation;
    auto& keys = installation.start("correct horse", {10, 0, false});
    for (int i = 0; i < 30; ++i) {
        BOOST_REQUIRE(installation.dataKeys().create("key-" + std::to_string(i), ownerOf(i)));
    }
    // key-13's row now holds key-14's wrapped key: moved to another owner.
    auto moved = installation.wrappedKeys().get("key-14");
    BOOST_REQUIRE(moved.isOk());
    auto replaced = installation.wrappedKeys().replace({{"key-13", 1, 1, moved->wrapped}});
    BOOST_REQUIRE(replaced.isOk());
    BOOST_REQUIRE(keys.rotate().isOk());
    BOOST_REQUIRE(keys.rewrapStoredKeys().isOk());
    BOOST_TEST(installation.reports->waitFor("done") ==
               "rewrap to key version 2 done: 29 rewrapped, 1 failed");
    auto counts = installation.wrappedKeys().countByVersion();
    BOOST_REQUIRE(counts.isOk());
    BOOST_TEST(counts->at(1) == 1u);
    BOOST_TEST(counts->at(2) == 29u);
}

BOOST_AUTO_TEST_CASE(a_rewrap_left_unfinished_resumes_when_the_keyring_is_next_unlocked) {
    Installation installation;
    installation.start("correct horse", {25, 0, false});
    for (int i = 0; i < 100; ++i) {
        BOOST_REQUIRE(installation.dataKeys().create("key-" + std::to_string(i), ownerOf(i)));
    }
    BOOST_REQUIRE(installation.keys().rotate().isOk());
    // The restart's unlock starts the pass by itself.
    installation.start("correct horse", {25, 0, true});
    BOOST_TEST(installation.reports->waitFor("done") ==
               "rewrap to key version 2 done: 100 rewrapped, 0 failed");
}

BOOST_AUTO_TEST_CASE(a_wrong_passphrase_leaves_every_change_unavailable) {
    Installation installation;
    installation.start();
    auto& keys = installation.start("battery staple");
    BOOST_TEST(!installation.unlocked.isOk());
    BOOST_TEST((keys.rotate().status().code() == StatusCode::kUnavailable));
    BOOST_TEST((keys.setMinDecryptionVersion(1).code() == StatusCode::kUnavailable));
    BOOST_TEST((keys.trim(1).code() == StatusCode::kUnavailable));
    BOOST_TEST((keys.report().status().code() == StatusCode::kUnavailable));
    BOOST_TEST((installation.dataKeys().create("key", ownerOf(0)).status().code() ==
                StatusCode::kUnavailable));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace kiod::crypto::test
