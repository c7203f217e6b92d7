#include "PasskeyRecord.h"
#include "PasskeyTestSupport.h"

#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace kiod::crypto;
using kiod::crypto::test::bytesOf;
using kiod::crypto::test::keyFile;
using kiod::crypto::test::kFastScrypt;
using kiod::crypto::test::passphrase;
using kiod::crypto::test::patternBytes;

namespace {

// A file in a fresh temporary directory, removed with it.
struct TempFile {
    std::filesystem::path dir;
    std::filesystem::path path;
    explicit TempFile(const Bytes& content) {
        dir = std::filesystem::temp_directory_path() /
              ("kiod-passkey-" + std::to_string(::getpid()) + "-" +
               std::to_string(reinterpret_cast<std::uintptr_t>(this)));
        std::filesystem::create_directories(dir);
        path = dir / "key";
        std::ofstream(path, std::ios::binary)
            .write(reinterpret_cast<const char*>(content.data()),
                   static_cast<std::streamsize>(content.size()));
    }
    ~TempFile() { std::filesystem::remove_all(dir); }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(passkey)

BOOST_AUTO_TEST_CASE(a_key_file_of_32_bytes_is_read_whole) {
    const Bytes content = patternBytes(32, 7);
    TempFile file(content);
    auto passkey = Passkey::readKeyFile(file.path, "key file " + file.path.string());
    BOOST_TEST_REQUIRE(passkey.isOk(), passkey.status().message());
    BOOST_TEST((passkey->kind() == PasskeyKind::kKeyFile));
    BOOST_TEST((Bytes(passkey->secret().begin(), passkey->secret().end()) == content));
}

BOOST_AUTO_TEST_CASE(a_key_file_of_another_size_is_refused_without_its_content) {
    for (std::size_t size : {0, 1, 31, 33, 64}) {
        // Printable content, so that a message quoting it would be caught.
        TempFile file(Bytes(size, 'Q'));
        auto passkey = Passkey::readKeyFile(file.path, "key file " + file.path.string());
        BOOST_TEST_REQUIRE(!passkey.isOk());
        const std::string& message = passkey.status().message();
        BOOST_TEST((passkey.status().code() == kiod::StatusCode::kInvalid));
        BOOST_TEST(message.find("exactly 32 bytes") != std::string::npos, message);
        BOOST_TEST(message.find(file.path.string()) != std::string::npos, message);
        BOOST_TEST(message.find("QQ") == std::string::npos, message);
    }
    auto given = Passkey::keyFile(SecretBytes::copyOf(patternBytes(31)));
    BOOST_TEST((given.status().code() == kiod::StatusCode::kInvalid));
}

BOOST_AUTO_TEST_CASE(a_missing_key_file_is_unavailable_and_an_empty_passphrase_invalid) {
    auto missing = Passkey::readKeyFile("/nonexistent/kiod/key", "key file");
    BOOST_TEST((missing.status().code() == kiod::StatusCode::kUnavailable));
    BOOST_TEST((Passkey::passphrase("").status().code() == kiod::StatusCode::kInvalid));
}

BOOST_AUTO_TEST_CASE(a_record_opens_with_its_passphrase_and_name) {
    const Bytes primaryKey = patternBytes(32, 3);
    auto record = PasskeyRecord::seal(passphrase("correct horse"), "ops", primaryKey, kFastScrypt);
    BOOST_TEST_REQUIRE(record.isOk(), record.status().message());
    auto opened = PasskeyRecord::open(record.value(), "ops", passphrase("correct horse"));
    BOOST_TEST_REQUIRE(opened.isOk(), opened.status().message());
    BOOST_TEST((Bytes(opened->view().begin(), opened->view().end()) == primaryKey));
}

BOOST_AUTO_TEST_CASE(a_record_is_laid_out_as_documented) {
    auto record = PasskeyRecord::seal(passphrase("pw"), "ops", patternBytes(32), kFastScrypt);
    BOOST_TEST_REQUIRE(record.isOk());
    const Bytes& r = record.value();
    BOOST_TEST(r.size() == 18u + 16u + 12u + 32u + 16u);
    BOOST_TEST((Bytes(r.begin(), r.begin() + 4) == bytesOf("KIPK")));
    BOOST_TEST(r[4] == 1);   // format version
    BOOST_TEST(r[5] == 1);   // passphrase
    BOOST_TEST(r[6] == 1);   // scrypt
    BOOST_TEST(r[7] == 10);  // log2 N
    BOOST_TEST((Bytes(r.begin() + 8, r.begin() + 16) == Bytes{0, 0, 0, 8, 0, 0, 0, 1}));
    BOOST_TEST(r[16] == 32);  // derived key size
    BOOST_TEST(r[17] == 16);  // salt size

    auto keyFileRecord = PasskeyRecord::seal(keyFile(1), "dr", patternBytes(32), kFastScrypt);
    BOOST_TEST_REQUIRE(keyFileRecord.isOk());
    const Bytes& k = keyFileRecord.value();
    BOOST_TEST(k[5] == 2);                                              // key file
    BOOST_TEST(k[6] == 2);                                              // HKDF-SHA256
    BOOST_TEST((Bytes(k.begin() + 7, k.begin() + 16) == Bytes(9, 0)));  // no scrypt parameters
}

BOOST_AUTO_TEST_CASE(a_wrong_passphrase_or_key_file_is_a_wrong_passkey) {
    const Bytes primaryKey = patternBytes(32, 3);
    auto byPassphrase = PasskeyRecord::seal(passphrase("right"), "ops", primaryKey, kFastScrypt);
    auto byKeyFile = PasskeyRecord::seal(keyFile(1), "dr", primaryKey, kFastScrypt);
    BOOST_TEST_REQUIRE((byPassphrase.isOk() && byKeyFile.isOk()));
    for (const kiod::Status& status : {
             PasskeyRecord::open(byPassphrase.value(), "ops", passphrase("wrong")).status(),
             PasskeyRecord::open(byPassphrase.value(), "ops", passphrase("right ")).status(),
             PasskeyRecord::open(byKeyFile.value(), "dr", keyFile(2)).status(),
             // The other kind of passkey, even with the same bytes.
             PasskeyRecord::open(byPassphrase.value(), "ops", keyFile(1)).status(),
         }) {
        BOOST_TEST(isWrongPasskey(status), status.message());
        BOOST_TEST((status.code() == kiod::StatusCode::kForbidden));
    }
}

BOOST_AUTO_TEST_CASE(a_record_moved_to_another_name_does_not_open) {
    auto record = PasskeyRecord::seal(passphrase("pw"), "ops", patternBytes(32), kFastScrypt);
    BOOST_TEST_REQUIRE(record.isOk());
    for (const char* other : {"dr", "ops2", "op", ""}) {
        BOOST_TEST(
            isWrongPasskey(PasskeyRecord::open(record.value(), other, passphrase("pw")).status()),
            other);
    }
}

BOOST_AUTO_TEST_CASE(every_flipped_byte_of_a_record_fails) {
    for (bool usePassphrase : {true, false}) {
        auto passkey = [&] { return usePassphrase ? passphrase("pw") : keyFile(5); };
        auto record = PasskeyRecord::seal(passkey(), "ops", patternBytes(32), kFastScrypt);
        BOOST_TEST_REQUIRE(record.isOk());
        for (std::size_t i = 0; i < record->size(); ++i) {
            for (std::uint8_t mask : {0x01, 0x80}) {
                Bytes tampered = record.value();
                tampered[i] ^= mask;
                kiod::Status status = PasskeyRecord::open(tampered, "ops", passkey()).status();
                // A header field that no longer parses is Invalid; any other
                // change (salt, parameters, nonce, ciphertext, tag) derives
                // another key or breaks the tag: a wrong passkey. Never ok.
                BOOST_TEST((isWrongPasskey(status) || status.code() == kiod::StatusCode::kInvalid),
                           "byte " << i << " ^ " << int(mask) << ": " << status.message());
                if (i >= 18) {  // salt onwards: nothing left to parse
                    BOOST_TEST(isWrongPasskey(status), "byte " << i);
                }
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(a_malformed_record_is_invalid_not_a_wrong_passkey) {
    auto record = PasskeyRecord::seal(passphrase("pw"), "ops", patternBytes(32), kFastScrypt);
    BOOST_TEST_REQUIRE(record.isOk());
    for (std::size_t size : {0ul, 4ul, 17ul, record->size() - 1}) {
        Bytes cut(record->begin(), record->begin() + static_cast<std::ptrdiff_t>(size));
        kiod::Status status = PasskeyRecord::open(cut, "ops", passphrase("pw")).status();
        BOOST_TEST((status.code() == kiod::StatusCode::kInvalid), size << ": " << status.message());
    }
    Bytes newer = record.value();
    newer[4] = 2;  // a format version this build does not know
    auto status = PasskeyRecord::open(newer, "ops", passphrase("pw")).status();
    BOOST_TEST(status.message() == "passkey record: format version 2 is not 1");
}

BOOST_AUTO_TEST_SUITE_END()
