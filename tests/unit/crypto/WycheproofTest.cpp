#include "AesGcm.h"
#include "CryptoTestSupport.h"
#include "Hkdf.h"

#include <kiod/crypto/KeyService.h>

#include <boost/test/unit_test.hpp>

#include <fstream>
#include <rapidjson/document.h>
#include <sstream>

using namespace kiod::crypto;
using kiod::Status;
using kiod::crypto::test::fromHex;

namespace {

// A missing or unparseable vector file fails the test: it never skips.
rapidjson::Document loadVectors(const std::string& file) {
    std::ifstream in(std::string(KIOD_WYCHEPROOF_DIR) + "/" + file);
    BOOST_REQUIRE_MESSAGE(in, "cannot open " << KIOD_WYCHEPROOF_DIR << "/" << file);
    std::stringstream text;
    text << in.rdbuf();
    rapidjson::Document document;
    document.Parse(text.str().c_str());
    BOOST_REQUIRE_MESSAGE(!document.HasParseError() && document.HasMember("testGroups"),
                          file << " is not a Wycheproof vector file");
    return document;
}

std::string field(const rapidjson::Value& test, const char* name) {
    return test[name].GetString();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(wycheproof)

BOOST_AUTO_TEST_CASE(every_aes_256_gcm_vector_with_96_bit_nonce_and_128_bit_tag_passes) {
    auto document = loadVectors("aes_gcm_test.json");
    int valid = 0;
    int invalid = 0;
    for (const auto& group : document["testGroups"].GetArray()) {
        if (group["keySize"].GetInt() != 256 || group["ivSize"].GetInt() != 96 ||
            group["tagSize"].GetInt() != 128) {
            continue;
        }
        for (const auto& test : group["tests"].GetArray()) {
            const int id = test["tcId"].GetInt();
            const Bytes key = fromHex(field(test, "key"));
            const Bytes nonce = fromHex(field(test, "iv"));
            const Bytes aad = fromHex(field(test, "aad"));
            const Bytes msg = fromHex(field(test, "msg"));
            const Bytes ct = fromHex(field(test, "ct"));
            const Bytes tag = fromHex(field(test, "tag"));
            auto cipher = AesGcm::create(key);
            BOOST_REQUIRE_MESSAGE(cipher, "tcId " << id << ": " << cipher.status().message());

            Bytes opened(ct.size());
            Status status = cipher->open(nonce, {aad}, ct, tag, opened);
            if (field(test, "result") == "valid") {
                ++valid;
                BOOST_TEST_REQUIRE(status.isOk(), "tcId " << id << ": " << status.message());
                BOOST_TEST((opened == msg), "tcId " << id << " decrypts to another message");
                Bytes sealed(msg.size());
                Bytes sealedTag(AesGcm::kTagSize);
                BOOST_TEST_REQUIRE(cipher->seal(nonce, {aad}, msg, sealed, sealedTag).isOk());
                BOOST_TEST((sealed == ct && sealedTag == tag),
                           "tcId " << id << " encrypts to another ciphertext");
            } else {
                ++invalid;
                BOOST_TEST(isAuthenticationFailure(status),
                           "tcId " << id << " (" << field(test, "comment")
                                   << ") is not rejected as an authentication failure");
                BOOST_TEST((opened == Bytes(ct.size(), 0)),
                           "tcId " << id << " leaves unauthenticated plaintext behind");
            }
        }
    }
    // The file's count for these parameters: nothing was silently skipped.
    BOOST_TEST(valid == 39);
    BOOST_TEST(invalid == 27);
}

BOOST_AUTO_TEST_CASE(vectors_with_other_key_or_nonce_sizes_are_refused_by_size) {
    auto document = loadVectors("aes_gcm_test.json");
    int refused = 0;
    for (const auto& group : document["testGroups"].GetArray()) {
        const int keyBits = group["keySize"].GetInt();
        const int nonceBits = group["ivSize"].GetInt();
        if (keyBits == 256 && nonceBits == 96) {
            continue;
        }
        for (const auto& test : group["tests"].GetArray()) {
            const int id = test["tcId"].GetInt();
            const Bytes key = fromHex(field(test, "key"));
            auto cipher = AesGcm::create(key);
            if (keyBits != 256) {
                BOOST_TEST_REQUIRE(!cipher.isOk());
                BOOST_TEST((cipher.status().code() == kiod::StatusCode::kInvalid));
                BOOST_TEST(cipher.status().message() == "AES-256-GCM takes a 32-byte key, not " +
                                                            std::to_string(keyBits / 8) + " bytes",
                           "tcId " << id);
                ++refused;
                continue;
            }
            BOOST_TEST_REQUIRE(cipher.isOk());
            const Bytes ct = fromHex(field(test, "ct"));
            Bytes opened(ct.size());
            Status status = cipher->open(fromHex(field(test, "iv")), {fromHex(field(test, "aad"))},
                                         ct, fromHex(field(test, "tag")), opened);
            BOOST_TEST((status.code() == kiod::StatusCode::kInvalid), "tcId " << id);
            BOOST_TEST(status.message() == "AES-256-GCM takes a 12-byte nonce, not " +
                                               std::to_string(nonceBits / 8) + " bytes",
                       "tcId " << id);
            Bytes sealed(ct.size());
            Bytes tag(AesGcm::kTagSize);
            BOOST_TEST((cipher->seal(fromHex(field(test, "iv")), {}, ct, sealed, tag).code() ==
                        kiod::StatusCode::kInvalid));
            ++refused;
        }
    }
    BOOST_TEST(refused == 316 - 66);
}

BOOST_AUTO_TEST_CASE(tags_other_than_128_bits_are_refused_by_size) {
    // The file has only 128-bit tags; GCM allows 32 to 128, and each shorter
    // one must be refused rather than checked as a prefix.
    auto cipher = AesGcm::create(Bytes(32, 7));
    BOOST_TEST_REQUIRE(cipher.isOk());
    const Bytes nonce(12, 1);
    const Bytes plaintext = kiod::crypto::test::bytesOf("sixteen bytes...");
    for (std::size_t tagSize : {4, 8, 12, 15, 17}) {
        Bytes ciphertext(plaintext.size());
        Bytes tag(tagSize);
        Status sealed = cipher->seal(nonce, {}, plaintext, ciphertext, tag);
        BOOST_TEST(sealed.message() ==
                   "AES-256-GCM takes a 16-byte tag, not " + std::to_string(tagSize) + " bytes");
        Status opened = cipher->open(nonce, {}, ciphertext, tag, ciphertext);
        BOOST_TEST(opened.message() == sealed.message());
    }
}

BOOST_AUTO_TEST_CASE(every_hkdf_sha256_vector_passes) {
    auto document = loadVectors("hkdf_sha256_test.json");
    int checked = 0;
    for (const auto& group : document["testGroups"].GetArray()) {
        for (const auto& test : group["tests"].GetArray()) {
            const int id = test["tcId"].GetInt();
            Bytes okm(test["size"].GetUint());
            Status status = Hkdf::sha256(fromHex(field(test, "ikm")), fromHex(field(test, "salt")),
                                         fromHex(field(test, "info")), okm);
            if (field(test, "result") == "valid") {
                BOOST_TEST_REQUIRE(status.isOk(), "tcId " << id << ": " << status.message());
                BOOST_TEST((okm == fromHex(field(test, "okm"))), "tcId " << id);
            } else {
                BOOST_TEST((status.code() == kiod::StatusCode::kInvalid), "tcId " << id);
            }
            ++checked;
        }
    }
    BOOST_TEST(checked == 86);
}

BOOST_AUTO_TEST_SUITE_END()
