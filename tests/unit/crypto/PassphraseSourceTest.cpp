// Where the start-up passphrase comes from, and what each way of not
// getting one says.
#include "PasskeyTestSupport.h"
#include "PassphraseSource.h"

#include <kiod/ConfigSection.h>
#include <kiod/Errors.h>

#include <Poco/AutoPtr.h>
#include <Poco/Util/MapConfiguration.h>
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;

namespace kiod::crypto::test {
namespace {

PassphraseSource configured(const std::map<std::string, std::string>& keys) {
    Poco::AutoPtr<Poco::Util::MapConfiguration> config(new Poco::Util::MapConfiguration);
    for (const auto& [key, value] : keys) {
        config->setString("crypto." + key, value);
    }
    EffectiveConfiguration effective;
    ConfigSection section(*config, "crypto", effective);
    return PassphraseSource::configure(section);
}

std::string passphraseOf(const Result<Passkey>& passkey) {
    BOOST_REQUIRE_MESSAGE(passkey.isOk(), passkey.status().message());
    auto secret = passkey->secret();
    return {secret.begin(), secret.end()};
}

class TempFile {
public:
    explicit TempFile(const std::string& content) {
        char pattern[] = "/tmp/kiod-passphrase-XXXXXX";
        dir_ = mkdtemp(pattern);
        std::ofstream(path()) << content;
    }
    ~TempFile() { fs::remove_all(dir_); }
    std::string dir() const { return dir_; }
    std::string path() const { return dir_ + "/passphrase"; }

private:
    std::string dir_;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(passphrase_source)

BOOST_AUTO_TEST_CASE(a_file_gives_its_content_without_one_trailing_newline) {
    TempFile file("correct horse \n");
    BOOST_TEST(passphraseOf(configured({{"passphrase_file", file.path()}}).read()) ==
               "correct horse ");
}

BOOST_AUTO_TEST_CASE(an_environment_variable_gives_its_value) {
    setenv("KIOD_TEST_PASSPHRASE_SOURCE", "battery staple", 1);
    auto passkey = configured({{"passphrase_env", "KIOD_TEST_PASSPHRASE_SOURCE"}}).read();
    unsetenv("KIOD_TEST_PASSPHRASE_SOURCE");
    BOOST_TEST(passphraseOf(passkey) == "battery staple");
}

BOOST_AUTO_TEST_CASE(a_credential_is_read_from_the_credentials_directory) {
    TempFile file("from systemd\n");
    setenv("CREDENTIALS_DIRECTORY", file.dir().c_str(), 1);
    auto passkey = configured({{"credential", "passphrase"}}).read();
    unsetenv("CREDENTIALS_DIRECTORY");
    BOOST_TEST(passphraseOf(passkey) == "from systemd");

    auto withoutDirectory = configured({{"credential", "passphrase"}}).read();
    BOOST_TEST(withoutDirectory.status().message().find("$CREDENTIALS_DIRECTORY is not set") !=
               std::string::npos);
}

BOOST_AUTO_TEST_CASE(each_way_of_not_getting_a_passphrase_says_which) {
    auto none = configured({}).read();
    BOOST_TEST((none.status().code() == StatusCode::kUnavailable));
    BOOST_TEST(none.status().message().find("no passphrase source configured") !=
               std::string::npos);

    auto missing = configured({{"passphrase_file", "/nonexistent/passphrase"}}).read();
    BOOST_TEST(missing.status().message() ==
               "cannot read crypto.passphrase_file '/nonexistent/passphrase': No such file or "
               "directory");

    unsetenv("KIOD_TEST_UNSET_PASSPHRASE");
    auto unset = configured({{"passphrase_env", "KIOD_TEST_UNSET_PASSPHRASE"}}).read();
    BOOST_TEST(unset.status().message().find("KIOD_TEST_UNSET_PASSPHRASE is not set") !=
               std::string::npos);

    TempFile empty("\n");
    auto blank = configured({{"passphrase_file", empty.path()}}).read();
    BOOST_TEST((blank.status().code() == StatusCode::kInvalid));
    BOOST_TEST(blank.status().message().find("is empty") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(two_sources_are_a_configuration_error_naming_the_second) {
    BOOST_CHECK_EXCEPTION(configured({{"passphrase_file", "/x"}, {"passphrase_env", "X"}}),
                          ConfigError, [](const ConfigError& error) {
                              return std::string(error.what()).find("crypto.passphrase_env") !=
                                     std::string::npos;
                          });
    BOOST_CHECK_THROW(configured({{"credential", "../passphrase"}}), ConfigError);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace kiod::crypto::test
