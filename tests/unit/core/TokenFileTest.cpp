#include "auth/TokenFile.h"

#include <boost/test/unit_test.hpp>

using kiod::TokenFile;

namespace {

std::string parseError(const std::string& text) {
    auto parsed = TokenFile::parse(text);
    BOOST_REQUIRE(!parsed.isOk());
    return parsed.status().message();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(token_file)

BOOST_AUTO_TEST_CASE(lines_give_user_uid_and_groups_as_kube_apiserver_reads_them) {
    auto parsed = TokenFile::parse(
        "31ada4fd,alice,1001,\"dev,ops\"\r\n"
        "\n"
        "   \n"
        "f00ba4,executor,1002\n"
        "\"quoted,token\",bob,1003,single\n");
    BOOST_REQUIRE_MESSAGE(parsed.isOk(), parsed.status().message());
    BOOST_TEST(parsed->size() == 3u);

    const auto* alice = parsed->find("31ada4fd");
    BOOST_REQUIRE(alice);
    BOOST_TEST(alice->name == "alice");
    BOOST_TEST(alice->uid == "1001");
    BOOST_TEST(alice->groups == (std::vector<std::string>{"dev", "ops", "system:authenticated"}));

    const auto* executor = parsed->find("f00ba4");
    BOOST_REQUIRE(executor);
    BOOST_TEST(executor->groups == (std::vector<std::string>{"system:authenticated"}));

    BOOST_REQUIRE(parsed->find("quoted,token"));
    BOOST_TEST(parsed->find("quoted,token")->groups.front() == "single");
}

BOOST_AUTO_TEST_CASE(unknown_and_partial_tokens_find_nobody) {
    auto parsed = TokenFile::parse("31ada4fd,alice,1001\n");
    BOOST_REQUIRE(parsed.isOk());
    BOOST_TEST(!parsed->find("31ada4f"));
    BOOST_TEST(!parsed->find("31ada4fdx"));
    BOOST_TEST(!parsed->find(""));
}

BOOST_AUTO_TEST_CASE(malformed_lines_are_refused_by_number_without_the_token) {
    BOOST_TEST(parseError("a,alice,1\nb,bob\n") ==
               "line 2: expected token,user,uid[,\"group,...\"]");
    BOOST_TEST(parseError(",alice,1\n") == "line 1: empty token");
    BOOST_TEST(parseError("t,,1\n") == "line 1: empty user");
    BOOST_TEST(parseError("t,alice,1,\"dev\n") == "line 1: a quote is not closed");
    auto duplicate = parseError("secret,alice,1\nsecret,bob,2\n");
    BOOST_TEST(duplicate == "line 2: the token of user 'bob' is already given to user 'alice'");
    BOOST_TEST(duplicate.find("secret") == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
