// The crypto service over HTTP on the internal listener of the real kiod:
// round trips, the one opaque failure, batches, the keyring's lifecycle
// (rotate, floor, trim), a rewrap killed in the middle and finished after a
// restart, and the metrics.
#include "Base64.h"
#include "HttpClient.h"
#include "KiodProcess.h"
#include "TextContains.h"

#include <Poco/JSON/Parser.h>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <csignal>

using namespace kiod::test;
using namespace std::chrono_literals;

namespace {

Poco::JSON::Object::Ptr parse(const std::string& json) {
    return Poco::JSON::Parser().parse(json).extract<Poco::JSON::Object::Ptr>();
}

const std::string kOwner =
    R"({"catalogId": "catalog-1", "scope": "restorepoint/rp1", "purpose": "metadata"})";
const std::string kOtherOwner =
    R"({"catalogId": "catalog-1", "scope": "restorepoint/rp2", "purpose": "metadata"})";

// kiod with the catalog, crypto and metrics, the crypto service on an
// internal listener, unlocked with "correct horse" (scrypt at 2^10 so that
// a start derives in a millisecond) unless `passphrase` is false.
std::string serviceConfig(const TempDir& dir, const std::string& crypto = "",
                          bool passphrase = true) {
    dir.write("passphrase", "correct horse\n");
    return baseConfig(dir, "metrics, catalog, crypto") +
           "[listener.internal]\naddress = 127.0.0.1:0\nthreads = 4\nauth.open = true\n"
           "[crypto]\npasskey.scrypt_n = 1024\nlistener = internal\n" +
           (passphrase ? "passphrase_file = " + dir.file("passphrase") + "\n" : "") + crypto;
}

class CryptoService {
public:
    explicit CryptoService(const KiodProcess& kiod) : url_(kiod.url("internal")) {}

    HttpResponse post(const std::string& path, const std::string& body) const {
        return request(url_, "POST", "/crypto/v1/" + path, body, "application/json");
    }

    // The answer's JSON; fails the test unless the status is `expected`.
    Poco::JSON::Object::Ptr call(const std::string& path, const std::string& body,
                                 int expected = 200) const {
        auto response = post(path, body);
        BOOST_REQUIRE_MESSAGE(response.status == expected,
                              path << ": " << response.status << " " << response.body);
        return parse(response.body);
    }

    Poco::JSON::Object::Ptr keys() const {
        auto response = get(url_, "/crypto/v1/keys");
        BOOST_REQUIRE_MESSAGE(response.status == 200, response.body);
        return parse(response.body);
    }

    std::string encrypt(const std::string& plaintext, const std::string& owner = kOwner) const {
        return call("encrypt",
                    R"({"owner": )" + owner + R"(, "plaintext": ")" + base64(plaintext) + "\"}")
            ->getValue<std::string>("ciphertext");
    }

    HttpResponse decrypt(const std::string& ciphertext, const std::string& owner = kOwner) const {
        return post("decrypt",
                    R"({"owner": )" + owner + R"(, "ciphertext": ")" + ciphertext + "\"}");
    }

    // Stored data keys key-0 .. key-(count-1), each with its own owner, in
    // batches of 500.
    void storeDataKeys(int count) const {
        for (int first = 0; first < count; first += 500) {
            std::string items;
            for (int i = first; i < std::min(count, first + 500); ++i) {
                items += (items.empty() ? "" : ",") + std::string(R"({"id": "key-)") +
                         std::to_string(i) + R"(", "owner": )" + ownerOf(i) + "}";
            }
            call("datakey", R"({"items": [)" + items + "]}");
        }
    }

    // How many of stored keys key-0 .. key-(count-1) unwrap for their owner.
    int unwrapStoredKeys(int count) const {
        std::string items;
        for (int i = 0; i < count; ++i) {
            items += (items.empty() ? "" : ",") + std::string(R"({"id": "key-)") +
                     std::to_string(i) + R"(", "owner": )" + ownerOf(i) + "}";
        }
        auto results = call("unwrap", R"({"items": [)" + items + "]}")->getArray("results");
        int opened = 0;
        for (std::size_t i = 0; i < results->size(); ++i) {
            opened += results->getObject(static_cast<unsigned>(i))->has("plaintext") ? 1 : 0;
        }
        return opened;
    }

    static std::string ownerOf(int i) {
        return R"({"catalogId": "catalog-1", "scope": "rp-)" + std::to_string(i) +
               R"(", "purpose": "data"})";
    }

private:
    std::string url_;
};

// Whether kiod reported `text` as its status, during start-up (a rewrap
// resumed at unlock may report before READY) or within 20 s after.
bool reports(KiodProcess& kiod, const std::string& text) {
    return !kiod.notification(text, 20s).empty();
}

std::string storedCount(const Poco::JSON::Object::Ptr& keys, const std::string& version) {
    auto stored = keys->getObject("storedDataKeys");
    return stored->has(version) ? stored->getValue<std::string>(version) : "0";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(crypto_service)

BOOST_AUTO_TEST_CASE(encrypts_and_decrypts_and_every_failure_to_authenticate_is_one_400) {
    TempDir dir;
    KiodProcess kiod(dir, serviceConfig(dir));
    CryptoService crypto(kiod);
    auto ciphertext = crypto.encrypt("the restore point's metadata");

    auto opened = crypto.decrypt(ciphertext);
    BOOST_REQUIRE_MESSAGE(opened.status == 200, opened.body);
    BOOST_TEST(parse(opened.body)->getValue<std::string>("plaintext") ==
               base64("the restore point's metadata"));

    // Another owner, and a ciphertext with one character changed: the same
    // answer, which says nothing about what was wrong.
    std::string tampered = ciphertext;
    tampered[tampered.size() / 2] = tampered[tampered.size() / 2] == 'A' ? 'B' : 'A';
    for (const auto& failed : {crypto.decrypt(ciphertext, kOtherOwner), crypto.decrypt(tampered)}) {
        BOOST_TEST(failed.status == 400);
        BOOST_TEST(contains(failed.body, R"("message":"message authentication failed")"),
                   failed.body);
    }
    auto malformed = crypto.post("decrypt", R"({"owner": {}, "ciphertext": "not base64!"})");
    BOOST_TEST(malformed.status == 400);
    BOOST_TEST(contains(malformed.body, "ciphertext is not base64"), malformed.body);
    BOOST_TEST(crypto.post("decrypt", "[]").status == 400);
    BOOST_TEST(!contains(kiod.stderrText(), base64("the restore point's metadata")));
}

BOOST_AUTO_TEST_CASE(a_batch_answers_each_item_in_order_and_207_when_one_fails) {
    TempDir dir;
    KiodProcess kiod(dir, serviceConfig(dir));
    CryptoService crypto(kiod);
    auto good = crypto.encrypt("first");
    auto answer = crypto.post("decrypt", R"({"items": [{"reference": "a", "owner": )" + kOwner +
                                             R"(, "ciphertext": ")" + good +
                                             R"("}, {"reference": 2, "owner": )" + kOtherOwner +
                                             R"(, "ciphertext": ")" + good + R"("}, 7]})");
    BOOST_TEST(answer.status == 207);
    auto results = parse(answer.body)->getArray("results");
    BOOST_REQUIRE(results->size() == 3u);
    BOOST_TEST(results->getObject(0)->getValue<std::string>("reference") == "a");
    BOOST_TEST(results->getObject(0)->getValue<std::string>("plaintext") == base64("first"));
    BOOST_TEST(results->getObject(1)->getValue<int>("reference") == 2);
    BOOST_TEST(results->getObject(1)->getObject("error")->getValue<int>("code") == 400);
    BOOST_TEST(results->getObject(1)->getObject("error")->getValue<std::string>("message") ==
               "message authentication failed");
    BOOST_TEST(results->getObject(2)->has("error"));

    auto all = crypto.call("datakey", R"({"items": [{"owner": )" + kOwner + R"(}, {"owner": )" +
                                          kOwner + R"(, "plaintext": false}]})");
    auto keys = all->getArray("results");
    BOOST_TEST(keys->getObject(0)->has("plaintext"));
    BOOST_TEST(keys->getObject(0)->getValue<int>("keyVersion") == 1);
    BOOST_TEST(!keys->getObject(1)->has("plaintext"));
    auto unwrapped =
        crypto.call("unwrap", R"({"owner": )" + kOwner + R"(, "wrapped": ")" +
                                  keys->getObject(0)->getValue<std::string>("wrapped") + "\"}");
    BOOST_TEST(unwrapped->getValue<std::string>("plaintext") ==
               keys->getObject(0)->getValue<std::string>("plaintext"));
    BOOST_TEST(crypto.post("decrypt", R"({"items": []})").status == 400);
}

BOOST_AUTO_TEST_CASE(the_service_is_on_the_internal_listener_only) {
    TempDir dir;
    KiodProcess kiod(dir, serviceConfig(dir));
    auto body = R"({"owner": {}, "plaintext": "aGk="})";
    BOOST_TEST(request(kiod.url("internal"), "POST", "/crypto/v1/encrypt", body, "application/json")
                   .status == 200);
    BOOST_TEST(
        request(kiod.url("api"), "POST", "/crypto/v1/encrypt", body, "application/json").status ==
        404);
}

BOOST_AUTO_TEST_CASE(a_locked_keyring_answers_503) {
    TempDir dir;
    KiodProcess kiod(dir, serviceConfig(dir, "", false));
    CryptoService crypto(kiod);
    auto answer = crypto.post("encrypt", R"({"owner": {}, "plaintext": "aGk="})");
    BOOST_TEST(answer.status == 503);
    BOOST_TEST(contains(answer.body, "ServiceUnavailable"), answer.body);
    BOOST_TEST(get(kiod.url("internal"), "/crypto/v1/keys").status == 503);
}

BOOST_AUTO_TEST_CASE(rotate_raise_the_floor_and_trim_once_nothing_needs_the_old_version) {
    TempDir dir;
    // Passes only when asked, so that the keys stay under version 1 until
    // the test starts one.
    auto config = serviceConfig(dir, "rewrap.automatic = false\n");
    std::string before;
    {
        KiodProcess kiod(dir, config);
        CryptoService crypto(kiod);
        crypto.storeDataKeys(3);
        before = crypto.encrypt("sealed under version 1");

        auto rotated = crypto.call("keys/rotate", "");
        BOOST_TEST(rotated->getValue<int>("latestVersion") == 2);
        BOOST_TEST(parse(crypto.decrypt(crypto.encrypt("new")).body)->has("plaintext"));
        BOOST_TEST(crypto.decrypt(before).status == 200);

        // Trim: not above the floor, and not while stored keys need version 1.
        BOOST_TEST(crypto.post("keys/trim", R"({"minAvailableVersion": 2})").status == 400);
        crypto.call("keys/config", R"({"minDecryptionVersion": 2})");
        auto refused = crypto.decrypt(before);
        BOOST_TEST(refused.status == 403);
        BOOST_TEST(contains(refused.body, "key version 1 is below the min_decryption_version 2"),
                   refused.body);
        auto needed = crypto.post("keys/trim", R"({"minAvailableVersion": 2})");
        BOOST_TEST(needed.status == 409);
        BOOST_TEST(contains(needed.body, "3 stored data keys are sealed under key version 1"),
                   needed.body);

        // The floor is policy: lowered, version 1 opens again, and the
        // rewrap can move the stored keys.
        crypto.call("keys/config", R"({"minDecryptionVersion": 1})");
        BOOST_TEST(crypto.decrypt(before).status == 200);
        crypto.call("keys/rewrap", "", 202);
        BOOST_REQUIRE(reports(kiod, "rewrap to key version 2 done: 3 rewrapped, 0 failed"));
        auto keys = crypto.keys();
        BOOST_TEST(storedCount(keys, "1") == "0");
        BOOST_TEST(storedCount(keys, "2") == "3");
        auto moved = crypto.call(
            "rewrap", R"({"owner": )" + kOwner + R"(, "ciphertext": ")" + before + "\"}");
        BOOST_TEST(moved->getValue<int>("keyVersion") == 2);
        before = moved->getValue<std::string>("ciphertext");

        crypto.call("keys/config", R"({"minDecryptionVersion": 2})");
        auto trimmed = crypto.call("keys/trim", R"({"minAvailableVersion": 2})");
        BOOST_TEST(trimmed->getValue<int>("minAvailableVersion") == 2);
        BOOST_TEST(crypto.post("keys/config", R"({"minDecryptionVersion": 1})").status == 400);
    }
    // All of it persisted: a restart loads version 2 alone, floor 2.
    KiodProcess kiod(dir, config);
    CryptoService crypto(kiod);
    auto keys = crypto.keys();
    BOOST_TEST(keys->getValue<int>("latestVersion") == 2);
    BOOST_TEST(keys->getValue<int>("minDecryptionVersion") == 2);
    BOOST_TEST(keys->getValue<int>("minAvailableVersion") == 2);
    BOOST_TEST(crypto.decrypt(before).status == 200);
    BOOST_TEST(crypto.unwrapStoredKeys(3) == 3);
}

BOOST_AUTO_TEST_CASE(a_rewrap_killed_in_the_middle_finishes_after_the_restart) {
    TempDir dir;
    // 2,000 keys at 1,000 a second in batches of 50: the pass runs for two
    // seconds, and is killed right after its first batch.
    auto config = serviceConfig(dir, "rewrap.batch_size = 50\nrewrap.keys_per_second = 1000\n");
    constexpr int kKeys = 2000;
    {
        KiodProcess kiod(dir, config);
        CryptoService crypto(kiod);
        crypto.storeDataKeys(kKeys);
        crypto.call("keys/rotate", "");
        BOOST_REQUIRE(reports(kiod, "rewrap to key version 2: 50 of 2000 rewrapped"));
        kiod.signal(SIGKILL);
        kiod.waitExit(10s);
    }
    KiodProcess kiod(dir, config);
    CryptoService crypto(kiod);
    // The restarted pass has fewer than all the keys to move: it resumed.
    auto resumed = kiod.notification("stored keys to move", 20s);
    BOOST_TEST(contains(resumed, "rewrap to key version 2: "), resumed);
    BOOST_TEST(!contains(resumed, ": 2000 stored keys to move"), resumed);
    BOOST_REQUIRE(reports(kiod, "rewrap to key version 2 done"));
    auto keys = crypto.keys();
    BOOST_TEST(storedCount(keys, "1") == "0");
    BOOST_TEST(storedCount(keys, "2") == std::to_string(kKeys));
    BOOST_TEST(crypto.unwrapStoredKeys(kKeys) == kKeys);
}

BOOST_AUTO_TEST_CASE(metrics_count_operations_by_result_and_show_the_keyring) {
    TempDir dir;
    KiodProcess kiod(dir, serviceConfig(dir));
    CryptoService crypto(kiod);
    auto ciphertext = crypto.encrypt("counted");
    BOOST_TEST(crypto.decrypt(ciphertext).status == 200);
    BOOST_TEST(crypto.decrypt(ciphertext, kOtherOwner).status == 400);
    auto metrics = get(kiod.url("metrics"), "/metrics").body;
    for (const auto* line :
         {R"(kiod_crypto_operations_total{operation="encrypt",result="ok"} 1)",
          R"(kiod_crypto_operations_total{operation="decrypt",result="ok"} 1)",
          R"(kiod_crypto_operations_total{operation="decrypt",result="authentication_failed"} 1)",
          R"(kiod_crypto_key_version{bound="latest"} 1)", "kiod_crypto_locked 0",
          "kiod_crypto_passkeys 1", "kiod_crypto_rewrap_running 0"}) {
        BOOST_TEST(contains(metrics, line), line);
    }
}

BOOST_AUTO_TEST_SUITE_END()
