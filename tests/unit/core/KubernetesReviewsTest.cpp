// The TokenReview and SubjectAccessReview bodies kiod sends kube-apiserver,
// and what it makes of the answers (the reference's 7.3 and 7.4).
#include "auth/KubernetesReviews.h"

#include <boost/test/unit_test.hpp>

using namespace kiod;

namespace {

std::string parseError(Status status) {
    BOOST_REQUIRE(!status.isOk());
    return status.message();
}

UserInfo alice() {
    return {"alice", "42", {"dev", "system:authenticated"}, {{"scopes", {"read", "write"}}}};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(kubernetes_reviews)

BOOST_AUTO_TEST_CASE(token_review_request_carries_the_token_and_the_audiences) {
    BOOST_TEST(TokenReview::request("abc\"def", {}) ==
               R"({"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview",)"
               R"("spec":{"token":"abc\"def"}})");
    BOOST_TEST(TokenReview::request("t", {"kiod", "https://kubernetes.default.svc"}) ==
               R"({"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview",)"
               R"("spec":{"token":"t","audiences":["kiod","https://kubernetes.default.svc"]}})");
}

BOOST_AUTO_TEST_CASE(an_authenticated_token_review_gives_the_user_with_groups_and_extra) {
    auto review = TokenReview::parseResponse(
        R"({"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview","metadata":{},)"
        R"("spec":{"token":"t"},"status":{"authenticated":true,"user":{)"
        R"("username":"system:serviceaccount:kasten-io:executor","uid":"u-1",)"
        R"("groups":["system:serviceaccounts","system:serviceaccounts:kasten-io"],)"
        R"("extra":{"authentication.kubernetes.io/pod-name":["executor-0"]}},)"
        R"("audiences":["https://kubernetes.default.svc"]}})");
    BOOST_REQUIRE_MESSAGE(review.isOk(), review.status().message());
    BOOST_TEST(review->authenticated);
    BOOST_TEST(review->user.name == "system:serviceaccount:kasten-io:executor");
    BOOST_TEST(review->user.uid == "u-1");
    BOOST_TEST(
        review->user.groups ==
        (std::vector<std::string>{"system:serviceaccounts", "system:serviceaccounts:kasten-io"}));
    BOOST_TEST(review->user.extra.at("authentication.kubernetes.io/pod-name") ==
               (std::vector<std::string>{"executor-0"}));
    BOOST_TEST(review->audiences == (std::vector<std::string>{"https://kubernetes.default.svc"}));
}

BOOST_AUTO_TEST_CASE(an_unauthenticated_token_review_carries_its_error) {
    auto review = TokenReview::parseResponse(
        R"({"kind":"TokenReview","status":{"user":{},"error":"invalid bearer token"}})");
    BOOST_REQUIRE(review.isOk());
    BOOST_TEST(!review->authenticated);
    BOOST_TEST(review->error == "invalid bearer token");
    BOOST_TEST(TokenReview::parseResponse(R"({"kind":"TokenReview","status":{}})")->authenticated ==
               false);
}

BOOST_AUTO_TEST_CASE(answers_that_are_not_token_reviews_are_invalid) {
    BOOST_TEST(parseError(TokenReview::parseResponse("not json").status()).find("not JSON") !=
               std::string::npos);
    BOOST_TEST(parseError(TokenReview::parseResponse("[]").status()) ==
               "not a TokenReview answer: not a JSON object");
    BOOST_TEST(parseError(TokenReview::parseResponse(R"({"kind":"Status","status":"Failure"})")
                              .status()) == "not a TokenReview answer: not a TokenReview");
    BOOST_TEST(parseError(TokenReview::parseResponse(R"({"kind":"TokenReview"})").status()) ==
               "not a TokenReview answer: no status");
    BOOST_TEST(
        parseError(
            TokenReview::parseResponse(R"({"kind":"TokenReview","status":{"authenticated":"yes"}})")
                .status()) == "not a TokenReview answer: authenticated: not a boolean");
    BOOST_TEST(parseError(TokenReview::parseResponse(
                              R"({"kind":"TokenReview","status":{"authenticated":true,"user":{}}})")
                              .status()) ==
               "not a TokenReview answer: authenticated without a username");
    BOOST_TEST(parseError(TokenReview::parseResponse(
                              R"({"kind":"TokenReview","status":{"authenticated":true,)"
                              R"("user":{"username":"a","groups":[1]}}})")
                              .status()) ==
               "not a TokenReview answer: groups: not a list of strings");
}

BOOST_AUTO_TEST_CASE(a_resource_request_is_reviewed_with_its_resource_attributes) {
    auto request = RequestAttributes::parse(
        "GET", "/apis/actions.kio.kasten.io/v1alpha1/namespaces/team-a/backupactions", "");
    BOOST_TEST(
        SubjectAccessReview::request(alice(), request) ==
        R"({"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview",)"
        R"("spec":{"resourceAttributes":{"namespace":"team-a","verb":"list",)"
        R"("group":"actions.kio.kasten.io","version":"v1alpha1","resource":"backupactions"},)"
        R"("user":"alice","groups":["dev","system:authenticated"],)"
        R"("extra":{"scopes":["read","write"]},"uid":"42"}})");

    auto status = RequestAttributes::parse(
        "PATCH", "/apis/actions.kio.kasten.io/v1alpha1/namespaces/team-a/backupactions/b1/status",
        "");
    UserInfo bare{"bob", "", {}, {}};
    BOOST_TEST(SubjectAccessReview::request(bare, status) ==
               R"({"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview",)"
               R"("spec":{"resourceAttributes":{"namespace":"team-a","verb":"patch",)"
               R"("group":"actions.kio.kasten.io","version":"v1alpha1","resource":"backupactions",)"
               R"("subresource":"status","name":"b1"},"user":"bob"}})");
}

BOOST_AUTO_TEST_CASE(a_non_resource_request_is_reviewed_with_its_path_and_verb) {
    auto request = RequestAttributes::parse("POST", "/crypto/v1/encrypt", "");
    UserInfo service{"backup-service", "", {"system:authenticated"}, {}};
    BOOST_TEST(SubjectAccessReview::request(service, request) ==
               R"({"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview",)"
               R"("spec":{"nonResourceAttributes":{"path":"/crypto/v1/encrypt","verb":"post"},)"
               R"("user":"backup-service","groups":["system:authenticated"]}})");
}

BOOST_AUTO_TEST_CASE(subject_access_review_answers_allow_deny_or_have_no_opinion) {
    auto allowed = SubjectAccessReview::parseResponse(
        R"({"kind":"SubjectAccessReview","status":{"allowed":true,)"
        R"("reason":"RBAC: allowed by ClusterRoleBinding \"kiod-basic\""}})");
    BOOST_REQUIRE(allowed.isOk());
    BOOST_TEST(allowed->allowed);
    BOOST_TEST(!allowed->denied);
    BOOST_TEST(allowed->reason == R"(RBAC: allowed by ClusterRoleBinding "kiod-basic")");

    auto denied = SubjectAccessReview::parseResponse(
        R"({"kind":"SubjectAccessReview","status":{"allowed":false,"denied":true,)"
        R"("reason":"no way","evaluationError":"a role is missing"}})");
    BOOST_REQUIRE(denied.isOk());
    BOOST_TEST(!denied->allowed);
    BOOST_TEST(denied->denied);
    BOOST_TEST(denied->evaluationError == "a role is missing");

    auto noOpinion =
        SubjectAccessReview::parseResponse(R"({"kind":"SubjectAccessReview","status":{}})");
    BOOST_REQUIRE(noOpinion.isOk());
    BOOST_TEST(!noOpinion->allowed);
    BOOST_TEST(!noOpinion->denied);

    BOOST_TEST(parseError(SubjectAccessReview::parseResponse(
                              R"({"kind":"TokenReview","status":{"allowed":true}})")
                              .status()) ==
               "not a SubjectAccessReview answer: not a SubjectAccessReview");
}

BOOST_AUTO_TEST_SUITE_END()
