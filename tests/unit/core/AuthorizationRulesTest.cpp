#include "auth/AuthorizationRules.h"

#include <boost/test/unit_test.hpp>

using kiod::AuthorizationRules;
using kiod::RequestAttributes;
using kiod::UserInfo;

namespace {

const char* kRules = R"({
  // comments are allowed
  "roles": {
    "basic": [
      {"verbs": ["get", "list", "watch", "create"], "apiGroups": ["actions.kio.kasten.io"],
       "resources": ["backupactions", "backupactions/details"]}
    ],
    "executor": [
      {"verbs": ["update", "patch"], "apiGroups": ["actions.kio.kasten.io"],
       "resources": ["*/status"]}
    ],
    "one-action": [
      {"verbs": ["get"], "apiGroups": ["*"], "resources": ["backupactions"],
       "resourceNames": ["b1"]}
    ],
    "crypto": [{"verbs": ["post"], "nonResourceURLs": ["/crypto/v1/*"]}],
    "metrics": [{"verbs": ["get"], "nonResourceURLs": ["/metrics"]}]
  },
  "bindings": [
    {"role": "basic", "groups": ["team-a"], "namespaces": ["a"]},
    {"role": "executor", "users": ["executor"]},
    {"role": "one-action", "users": ["carol"]},
    {"role": "crypto", "users": ["backup-service"]},
    {"role": "metrics", "groups": ["monitoring"]}
  ]
})";

AuthorizationRules rules() {
    auto parsed = AuthorizationRules::parse(kRules);
    BOOST_REQUIRE_MESSAGE(parsed.isOk(), parsed.status().message());
    return parsed.value();
}

UserInfo user(const std::string& name, std::vector<std::string> groups = {}) {
    return {name, "", std::move(groups), {}};
}

RequestAttributes request(const std::string& method, const std::string& path,
                          const std::string& query = "") {
    return RequestAttributes::parse(method, path, query);
}

const std::string kActions = "/apis/actions.kio.kasten.io/v1alpha1";

std::string parseError(const std::string& json) {
    auto parsed = AuthorizationRules::parse(json);
    BOOST_REQUIRE(!parsed.isOk());
    return parsed.status().message();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(authorization_rules)

BOOST_AUTO_TEST_CASE(a_namespace_binding_allows_its_namespace_only) {
    auto r = rules();
    auto alice = user("alice", {"team-a"});
    BOOST_TEST(r.allows(alice, request("GET", kActions + "/namespaces/a/backupactions")));
    BOOST_TEST(r.allows(alice, request("POST", kActions + "/namespaces/a/backupactions")));
    BOOST_TEST(
        r.allows(alice, request("GET", kActions + "/namespaces/a/backupactions/b1/details")));
    BOOST_TEST(!r.allows(alice, request("GET", kActions + "/namespaces/b/backupactions")));
    // every namespace at once is the cluster scope, which a namespace binding never covers
    BOOST_TEST(!r.allows(alice, request("GET", kActions + "/backupactions")));
    BOOST_TEST(!r.allows(alice, request("DELETE", kActions + "/namespaces/a/backupactions/b1")));
    BOOST_TEST(!r.allows(user("bob"), request("GET", kActions + "/namespaces/a/backupactions")));
}

BOOST_AUTO_TEST_CASE(subresources_are_resources_of_their_own) {
    auto r = rules();
    auto alice = user("alice", {"team-a"});
    BOOST_TEST(
        !r.allows(alice, request("PUT", kActions + "/namespaces/a/backupactions/b1/status")));
    BOOST_TEST(
        !r.allows(alice, request("GET", kActions + "/namespaces/a/backupactions/b1/status")));
    auto executor = user("executor");
    BOOST_TEST(
        r.allows(executor, request("PUT", kActions + "/namespaces/a/backupactions/b1/status")));
    BOOST_TEST(
        r.allows(executor, request("PATCH", kActions + "/namespaces/z/runactions/r/status")));
    BOOST_TEST(!r.allows(executor, request("PUT", kActions + "/namespaces/a/backupactions/b1")));
}

BOOST_AUTO_TEST_CASE(resource_names_limit_a_rule_to_those_objects) {
    auto r = rules();
    auto carol = user("carol");
    BOOST_TEST(r.allows(carol, request("GET", kActions + "/namespaces/x/backupactions/b1")));
    BOOST_TEST(!r.allows(carol, request("GET", kActions + "/namespaces/x/backupactions/b2")));
    BOOST_TEST(!r.allows(carol, request("GET", kActions + "/namespaces/x/backupactions")));
}

BOOST_AUTO_TEST_CASE(non_resource_urls_match_exactly_or_by_prefix) {
    auto r = rules();
    auto service = user("backup-service");
    BOOST_TEST(r.allows(service, request("POST", "/crypto/v1/decrypt")));
    BOOST_TEST(!r.allows(service, request("GET", "/crypto/v1/keys")));
    BOOST_TEST(!r.allows(service, request("POST", "/catalog/backups")));
    auto prometheus = user("prometheus", {"monitoring"});
    BOOST_TEST(r.allows(prometheus, request("GET", "/metrics")));
    BOOST_TEST(!r.allows(prometheus, request("GET", "/metrics/extra")));
}

BOOST_AUTO_TEST_CASE(malformed_files_are_refused_naming_the_element) {
    BOOST_TEST(parseError("{").find("not JSON") == 0);
    BOOST_TEST(parseError(R"({"bindings": []})") ==
               "roles: required, an object of role names to lists of rules");
    BOOST_TEST(parseError(R"({"roles": {"r": [{"apiGroups": [""], "resources": ["pods"]}]}})") ==
               "roles.r[0].verbs: required");
    BOOST_TEST(parseError(R"({"roles": {"r": [{"verbs": ["get"], "resources": ["pods"]}]}})")
                   .find("roles.r[0].apiGroups: required") == 0);
    BOOST_TEST(parseError(R"({"roles": {"r": [{"verbs": ["get"], "nonResourceURLs": ["/x"],
                            "resources": ["pods"], "apiGroups": [""]}]}})") ==
               "roles.r[0]: needs either resources (with apiGroups) or nonResourceURLs");
    BOOST_TEST(parseError(R"({"roles": {"r": [{"verb": ["get"]}]}})") ==
               "roles.r[0].verb: unknown field");
    BOOST_TEST(parseError(R"({"roles": {}, "bindings": [{"role": "x", "users": ["u"]}]})") ==
               "bindings[0].role: no role named 'x'");
    BOOST_TEST(parseError(R"({"roles": {"r": []}, "bindings": [{"role": "r"}]})") ==
               "bindings[0]: binds to no one (users or groups)");
    BOOST_TEST(parseError(R"({"roles": {"r": [{"verbs": [1], "nonResourceURLs": ["/"]}]}})") ==
               "roles.r[0].verbs[0]: must be a string");
}

BOOST_AUTO_TEST_CASE(nothing_is_allowed_without_a_rule) {
    auto empty = AuthorizationRules::parse(R"({"roles": {}})");
    BOOST_REQUIRE(empty.isOk());
    BOOST_TEST(!empty->allows(user("alice", {"system:authenticated"}), request("GET", "/apis")));
}

BOOST_AUTO_TEST_SUITE_END()
