// The crypto module in a running kiod: unlocked at start-up from a
// passphrase file, and locked (kiod up, /readyz/crypto failing with the
// reason) when the passphrase is wrong or has no source.
#include "HttpClient.h"
#include "KiodProcess.h"
#include "TextContains.h"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/resource.h>

using namespace kiod::test;

namespace {

// scrypt at 2^10 so that each start derives in a millisecond, not 0.35 s.
std::string cryptoConfig(const TempDir& dir, const std::string& crypto) {
    return baseConfig(dir, "catalog, crypto") + "[crypto]\npasskey.scrypt_n = 1024\n" + crypto;
}

std::string passphraseFile(const TempDir& dir, const std::string& passphrase) {
    dir.write("passphrase", passphrase + "\n");
    return "passphrase_file = " + dir.file("passphrase") + "\n";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(crypto_module)

BOOST_AUTO_TEST_CASE(unlocks_with_a_passphrase_file_and_again_after_a_restart) {
    TempDir dir;
    auto config = cryptoConfig(dir, passphraseFile(dir, "correct horse"));
    {
        KiodProcess kiod(dir, config);
        auto ready = get(kiod.url("api"), "/readyz/crypto");
        BOOST_TEST(ready.status == 200);
        BOOST_TEST(ready.body == "ok");
    }
    KiodProcess kiod(dir, config);
    auto ready = get(kiod.url("api"), "/readyz/crypto");
    BOOST_TEST(ready.status == 200);
    BOOST_TEST(ready.body == "ok");
    BOOST_TEST(!contains(kiod.stderrText(), "correct horse"));
}

BOOST_AUTO_TEST_CASE(unlocks_from_an_environment_variable_and_from_a_systemd_credential) {
    TempDir dir;
    // kiod inherits this process's environment; the names are this test's own.
    setenv("KIOD_TEST_CRYPTO_PASSPHRASE", "correct horse", 1);
    {
        KiodProcess kiod(dir, cryptoConfig(dir, "passphrase_env = KIOD_TEST_CRYPTO_PASSPHRASE\n"));
        BOOST_TEST(get(kiod.url("api"), "/readyz/crypto").body == "ok");
    }
    unsetenv("KIOD_TEST_CRYPTO_PASSPHRASE");

    std::filesystem::create_directory(dir.file("credentials"));
    dir.write("credentials/kiod-passphrase", "correct horse\n");
    setenv("CREDENTIALS_DIRECTORY", dir.file("credentials").c_str(), 1);
    KiodProcess kiod(dir, cryptoConfig(dir, "credential = kiod-passphrase\n"));
    unsetenv("CREDENTIALS_DIRECTORY");
    BOOST_TEST(get(kiod.url("api"), "/readyz/crypto").body == "ok");
}

BOOST_AUTO_TEST_CASE(kiod_with_crypto_dumps_no_core) {
    // kiod inherits this process's core limit: make it one that allows
    // dumps, so that only the module can have brought it to 0.
    rlimit inherited{};
    BOOST_REQUIRE(getrlimit(RLIMIT_CORE, &inherited) == 0);
    if (inherited.rlim_max == 0) {
        BOOST_WARN_MESSAGE(false, "core dumps are off for this test already; nothing to check");
        return;
    }
    rlimit allowing{std::min<rlim_t>(inherited.rlim_max, 1 << 20), inherited.rlim_max};
    BOOST_REQUIRE(setrlimit(RLIMIT_CORE, &allowing) == 0);
    TempDir dir;
    KiodProcess kiod(dir, cryptoConfig(dir, passphraseFile(dir, "correct horse")));
    setrlimit(RLIMIT_CORE, &inherited);

    std::ifstream limits("/proc/" + std::to_string(kiod.pid()) + "/limits");
    std::string line;
    std::string soft;
    std::string hard;
    while (std::getline(limits, line)) {
        if (line.starts_with("Max core file size")) {
            std::istringstream(line.substr(std::strlen("Max core file size"))) >> soft >> hard;
        }
    }
    BOOST_TEST(soft == "0");
    BOOST_TEST(hard == "0");
}

BOOST_AUTO_TEST_CASE(a_wrong_passphrase_starts_locked_and_says_so) {
    TempDir dir;
    { KiodProcess kiod(dir, cryptoConfig(dir, passphraseFile(dir, "correct horse"))); }
    KiodProcess kiod(dir, cryptoConfig(dir, passphraseFile(dir, "battery staple")));
    auto ready = get(kiod.url("api"), "/readyz/crypto");
    BOOST_TEST(ready.status != 200);
    BOOST_TEST(contains(ready.body, "wrong passkey"), ready.body);
    BOOST_TEST(!contains(ready.body, "battery staple"));
    BOOST_TEST(get(kiod.url("api"), "/readyz/catalog").body == "ok");
    BOOST_TEST(!contains(kiod.stderrText(), "battery staple"));
}

BOOST_AUTO_TEST_CASE(a_missing_passphrase_file_starts_locked_and_names_it) {
    TempDir dir;
    KiodProcess kiod(dir, cryptoConfig(dir, "passphrase_file = " + dir.file("absent") + "\n"));
    auto ready = get(kiod.url("api"), "/readyz/crypto");
    BOOST_TEST(ready.status != 200);
    BOOST_TEST(contains(ready.body, "crypto.passphrase_file '" + dir.file("absent") + "'"),
               ready.body);
}

BOOST_AUTO_TEST_CASE(no_passphrase_source_starts_locked_and_says_so) {
    TempDir dir;
    KiodProcess kiod(dir, cryptoConfig(dir, ""));
    auto ready = get(kiod.url("api"), "/readyz/crypto");
    BOOST_TEST(ready.status != 200);
    BOOST_TEST(contains(ready.body, "no passphrase source configured"), ready.body);
}

BOOST_AUTO_TEST_CASE(two_passphrase_sources_are_a_configuration_error) {
    TempDir dir;
    dir.write("kiod.ini", cryptoConfig(dir, "passphrase_file = /x\npassphrase_env = KIOD_X\n"));
    auto result = runKiod({"--config", dir.file("kiod.ini"), "--check-config"});
    BOOST_TEST(result.exitCode != 0);
    BOOST_TEST(contains(result.err, "crypto.passphrase_env"), result.err);
}

BOOST_AUTO_TEST_SUITE_END()
