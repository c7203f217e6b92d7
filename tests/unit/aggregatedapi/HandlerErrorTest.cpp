// Every failure of the resource handlers answers a metav1.Status with the
// right code, reason and message, and stores nothing.
#include "ApiHarness.h"
#include "TextContains.h"

#include <boost/test/unit_test.hpp>

using kiod::test::contains;

using namespace kiod::aggregatedapi::test;

namespace {

const std::string kCollection = "/apis/actions.kio.kasten.io/v1alpha1/namespaces/ns/backupactions";
const std::string kResource = "backupactions.actions.kio.kasten.io";
const std::map<std::string, std::string> kJson = {{"Content-Type", "application/json"}};

std::string action(const std::string& name, const std::string& extra = "") {
    return R"({"apiVersion":"actions.kio.kasten.io/v1alpha1","kind":"BackupAction","metadata":{"name":")" +
           name + R"("},"spec":{"subject":{"name":"app","namespace":"ns"}})" + extra + "}";
}

// The reply is a failure Status with this code and reason.
void isStatus(const MemoryRouter::Reply& reply, int code, const std::string& reason) {
    BOOST_TEST(reply.status == code, reply.body);
    BOOST_TEST(reply.contentType == "application/json");
    BOOST_TEST(contains(reply.body, R"("kind":"Status","apiVersion":"v1")"), reply.body);
    BOOST_TEST(contains(reply.body, R"("status":"Failure")"));
    BOOST_TEST(contains(reply.body, R"("reason":")" + reason + "\""), reply.body);
    BOOST_TEST(contains(reply.body, R"("code":)" + std::to_string(code)));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(handler_errors)

BOOST_AUTO_TEST_CASE(malformed_json_is_a_bad_request_and_stores_nothing) {
    ApiHarness api;
    auto reply =
        api.call("POST", kCollection, R"({"apiVersion": "actions.kio.kasten.io/v1alpha1",)", kJson);
    isStatus(reply, 400, "BadRequest");
    BOOST_TEST(contains(reply.body, "not valid JSON"), reply.body);
    isStatus(api.call("POST", kCollection, "[1,2]", kJson), 400, "BadRequest");
    BOOST_TEST(api.count(kResource) == 0u);
}

// Regression: 2 MiB of `[` overflowed the stack in rapidjson's recursive
// parser and killed kiod (the hostile-input test found it).
BOOST_AUTO_TEST_CASE(json_nested_too_deep_is_a_bad_request_not_a_crash) {
    ApiHarness api;
    std::string deep(2 * 1024 * 1024, '[');
    auto create = api.call("POST", kCollection, deep, kJson);
    isStatus(create, 400, "BadRequest");
    BOOST_TEST(contains(create.body, "nests deeper than 1000 levels"), create.body);
    BOOST_REQUIRE(api.call("POST", kCollection, action("a"), kJson).status == 201);
    auto patch = api.call("PATCH", kCollection + "/a", "{\"metadata\":" + deep,
                          {{"Content-Type", "application/merge-patch+json"}});
    isStatus(patch, 400, "BadRequest");
    BOOST_TEST(contains(patch.body, "nests deeper than 1000 levels"), patch.body);
    // as deep as allowed is fine
    auto nested = std::string(998, '[') + std::string(998, ']');
    BOOST_TEST(api.call("POST", kCollection, action("b", R"(,"x":)" + nested), kJson).status ==
               201);
    BOOST_TEST(api.count(kResource) == 2u);
}

BOOST_AUTO_TEST_CASE(wrong_kind_or_api_version_is_a_bad_request) {
    ApiHarness api;
    auto kind = api.call(
        "POST", kCollection,
        R"({"apiVersion":"actions.kio.kasten.io/v1alpha1","kind":"RestoreAction","metadata":{"name":"a"},"spec":{"subject":{"name":"x"}}})",
        kJson);
    isStatus(kind, 400, "BadRequest");
    BOOST_TEST(contains(kind.body,
                        "the kind in the data (RestoreAction) does not match the "
                        "expected kind (BackupAction)"),
               kind.body);
    auto version = api.call(
        "POST", kCollection,
        R"({"apiVersion":"actions.kio.kasten.io/v1","kind":"BackupAction","metadata":{"name":"a"},"spec":{"subject":{"name":"x"}}})",
        kJson);
    isStatus(version, 400, "BadRequest");
    BOOST_TEST(contains(version.body,
                        "does not match the expected API version "
                        "(actions.kio.kasten.io/v1alpha1)"));
    BOOST_TEST(api.count(kResource) == 0u);
}

BOOST_AUTO_TEST_CASE(name_over_253_characters_is_invalid_with_its_cause) {
    ApiHarness api;
    auto reply = api.call("POST", kCollection, action(std::string(254, 'a')), kJson);
    isStatus(reply, 422, "Invalid");
    BOOST_TEST(contains(reply.body, R"("kind":"BackupAction")"));
    BOOST_TEST(contains(reply.body, R"("group":"actions.kio.kasten.io")"));
    BOOST_TEST(
        contains(
            reply.body,
            R"({"reason":"FieldValueTooLong","message":"Too long: may not be more than 253 bytes","field":"metadata.name"})"),
        reply.body);
    BOOST_TEST(api.count(kResource) == 0u);
}

BOOST_AUTO_TEST_CASE(each_invalid_field_is_a_cause) {
    ApiHarness api;
    auto reply = api.call(
        "POST", kCollection,
        R"({"metadata":{"name":"Bad_Name","labels":{"ok":"not ok!"}},"spec":{"subject":{"namespace":"other"}}})",
        kJson);
    isStatus(reply, 422, "Invalid");
    for (const auto* field :
         {"metadata.name", "metadata.labels[ok]", "spec.subject.name", "spec.subject.namespace"}) {
        BOOST_TEST(contains(reply.body, std::string(R"("field":")") + field + "\""), field);
    }
    auto expires = api.call(
        "POST", kCollection + "?dryRun=All",
        R"({"metadata":{"name":"e"},"spec":{"subject":{"name":"a"},"expiresAt":"tomorrow"}})",
        kJson);
    isStatus(expires, 422, "Invalid");
    BOOST_TEST(contains(expires.body, R"("field":"spec.expiresAt")"), expires.body);
    auto noName = api.call("POST", kCollection, R"({"spec":{"subject":{"name":"a"}}})", kJson);
    isStatus(noName, 422, "Invalid");
    BOOST_TEST(contains(noName.body, "name or generateName is required"));
    auto noSubject = api.call("POST", kCollection, R"({"metadata":{"name":"a"},"spec":{}})", kJson);
    BOOST_TEST(
        contains(
            noSubject.body,
            R"({"reason":"FieldValueRequired","message":"Required value","field":"spec.subject"})"),
        noSubject.body);
    BOOST_TEST(api.count(kResource) == 0u);
}

BOOST_AUTO_TEST_CASE(unknown_fields_refused_when_strict_else_warned_of_and_dropped) {
    ApiHarness api;
    auto strict = api.call("POST", kCollection + "?fieldValidation=Strict",
                           action("a", R"(,"frob":1)"), kJson);
    isStatus(strict, 400, "BadRequest");
    BOOST_TEST(contains(strict.body, R"(strict decoding error: unknown field \"frob\")"),
               strict.body);
    BOOST_TEST(api.count(kResource) == 0u);
    auto warn =
        api.call("POST", kCollection + "?fieldValidation=Warn", action("a", R"(,"frob":1)"), kJson);
    BOOST_TEST(warn.status == 201);
    BOOST_TEST(warn.warning == R"(299 - "unknown field \"frob\"")");
    BOOST_TEST(!contains(api.call("GET", kCollection + "/a").body, "frob"));  // dropped
}

BOOST_AUTO_TEST_CASE(platform_actions_live_in_the_platform_namespace) {
    ApiHarness api;
    const std::string exports = "/apis/actions.kio.kasten.io/v1alpha1/namespaces/ns/exportactions";
    auto misplaced = api.call(
        "POST", exports,
        R"({"metadata":{"name":"e"},"spec":{"subject":{"name":"rp"},"profile":{"name":"p"}}})",
        kJson);
    isStatus(misplaced, 422, "Invalid");
    BOOST_TEST(contains(misplaced.body, R"("field":"metadata.namespace")"), misplaced.body);
    BOOST_TEST(contains(misplaced.body, R"(platform's namespace \"kasten-io\")"));
    auto placed = api.call(
        "POST", "/apis/actions.kio.kasten.io/v1alpha1/namespaces/kasten-io/exportactions",
        R"({"metadata":{"name":"e"},"spec":{"subject":{"name":"rp"},"profile":{"name":"p"}}})",
        kJson);
    BOOST_TEST(placed.status == 201, placed.body);
    auto cancel = api.call(
        "POST", "/apis/actions.kio.kasten.io/v1alpha1/namespaces/ns/cancelactions",
        R"({"metadata":{"name":"c"},"spec":{"subject":{"kind":"BackupAction","name":"b","namespace":"other"}}})",
        kJson);
    isStatus(cancel, 422, "Invalid");
    BOOST_TEST(contains(cancel.body, R"("field":"spec.subject.namespace")"), cancel.body);
    BOOST_TEST(api.count("exportactions.actions.kio.kasten.io") == 1u);
}

BOOST_AUTO_TEST_CASE(namespace_in_the_body_must_match_the_url) {
    ApiHarness api;
    auto reply = api.call(
        "POST", kCollection,
        R"({"metadata":{"name":"a","namespace":"elsewhere"},"spec":{"subject":{"name":"a"}}})",
        kJson);
    isStatus(reply, 400, "BadRequest");
    BOOST_TEST(contains(reply.body, "does not match the namespace sent on the request"));
    BOOST_TEST(api.count(kResource) == 0u);
}

BOOST_AUTO_TEST_CASE(bad_label_selector_is_a_bad_request) {
    ApiHarness api;
    auto reply = api.call("GET", kCollection + "?labelSelector=env+in+(a");
    isStatus(reply, 400, "BadRequest");
    BOOST_TEST(contains(reply.body, "label selector"), reply.body);
}

BOOST_AUTO_TEST_CASE(unknown_field_selector_names_the_field) {
    ApiHarness api;
    auto reply = api.call("GET", kCollection + "?fieldSelector=spec.subject.name%3Dx");
    isStatus(reply, 400, "BadRequest");
    BOOST_TEST(
        contains(
            reply.body,
            R"(\"spec.subject.name\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\", \"status.state\")"),
        reply.body);
    auto passkeys = api.call("GET", "/apis/vault.kio.kasten.io/v1alpha1/passkeys");
    isStatus(passkeys, 503, "ServiceUnavailable");  // no crypto module: no passkey storage
}

BOOST_AUTO_TEST_CASE(bad_continue_token_is_a_bad_request_and_old_one_expired) {
    ApiHarness api;
    for (const auto* name : {"a", "b", "c"}) {
        BOOST_TEST_REQUIRE(api.call("POST", kCollection, action(name), kJson).status == 201);
    }
    isStatus(api.call("GET", kCollection + "?limit=1&continue=not-a-token"), 400, "BadRequest");
    isStatus(api.call("GET", kCollection + "?limit=-1"), 400, "BadRequest");
    auto first = api.call("GET", kCollection + "?limit=1");
    BOOST_TEST_REQUIRE(first.status == 200);
    auto at = first.body.find(R"("continue":")") + 12;
    auto token = first.body.substr(at, first.body.find('"', at) - at);
    BOOST_TEST_REQUIRE(!token.empty());
    BOOST_TEST(api.call("GET", kCollection + "?limit=1&continue=" + token).status == 200);
    BOOST_TEST_REQUIRE(api.call("POST", kCollection, action("d"), kJson).status == 201);
    BOOST_TEST_REQUIRE(api.call("POST", kCollection, action("e"), kJson).status == 201);
    BOOST_TEST_REQUIRE(api.store().compactChangeLog(api.store().currentRevision()).isOk());
    auto expired = api.call("GET", kCollection + "?limit=1&continue=" + token);
    isStatus(expired, 410, "Expired");
    BOOST_TEST(contains(expired.body, "The provided continue parameter is too old"));
}

BOOST_AUTO_TEST_CASE(list_resource_version_rules) {
    ApiHarness api;
    BOOST_TEST_REQUIRE(api.call("POST", kCollection, action("a"), kJson).status == 201);
    auto current = std::to_string(api.store().currentRevision());
    BOOST_TEST(api.call("GET", kCollection + "?resourceVersion=0").status == 200);
    BOOST_TEST(api.call("GET", kCollection + "?resourceVersion=1&resourceVersionMatch=NotOlderThan")
                   .status == 200);
    BOOST_TEST(
        api.call("GET", kCollection + "?resourceVersion=" + current + "&resourceVersionMatch=Exact")
            .status == 200);
    isStatus(api.call("GET", kCollection + "?resourceVersion=0&resourceVersionMatch=Exact"), 422,
             "Invalid");
    isStatus(api.call("GET", kCollection + "?resourceVersionMatch=Exact"), 422, "Invalid");
    isStatus(api.call("GET", kCollection + "?resourceVersion=1&resourceVersionMatch=Sometimes"),
             422, "Invalid");
    BOOST_TEST_REQUIRE(api.call("POST", kCollection, action("b"), kJson).status == 201);
    isStatus(api.call("GET",
                      kCollection + "?resourceVersion=" + current + "&resourceVersionMatch=Exact"),
             410, "Expired");
    isStatus(api.call("GET", kCollection + "?resourceVersion=5&limit=1&continue=x"), 400,
             "BadRequest");
}

BOOST_AUTO_TEST_CASE(unknown_resources_and_paths_are_not_found) {
    ApiHarness api;
    auto reply = api.call("GET", "/apis/actions.kio.kasten.io/v1alpha1/namespaces/ns/frobs");
    isStatus(reply, 404, "NotFound");
    BOOST_TEST(contains(reply.body, "the server could not find the requested resource"));
    // A cluster-scoped kind under a namespace, a namespaced one without.
    isStatus(api.call("GET", "/apis/actions.kio.kasten.io/v1alpha1/namespaces/ns/retireactions"),
             404, "NotFound");
    isStatus(api.call("GET", "/apis/actions.kio.kasten.io/v1alpha1/backupactions/x"), 404,
             "NotFound");
    isStatus(api.call("GET", kCollection + "/x/logs"), 404, "NotFound");
    auto missing = api.call("GET", kCollection + "/x");
    isStatus(missing, 404, "NotFound");
    BOOST_TEST(contains(missing.body, R"(backupactions.actions.kio.kasten.io \"x\" not found)"));
    BOOST_TEST(contains(
        missing.body,
        R"("details":{"name":"x","group":"actions.kio.kasten.io","kind":"backupactions"})"));
    isStatus(api.call("GET", "/api"), 404, "NotFound");
}

BOOST_AUTO_TEST_CASE(verbs_a_kind_does_not_offer_are_not_allowed) {
    ApiHarness api;
    auto retire = api.call("POST", "/apis/actions.kio.kasten.io/v1alpha1/retireactions",
                           R"({"metadata":{"name":"r"}})", kJson);
    isStatus(retire, 405, "MethodNotAllowed");
    BOOST_TEST(
        contains(
            retire.body,
            R"(create is not supported on resources of kind \"retireactions.actions.kio.kasten.io\")"),
        retire.body);
    isStatus(api.call("GET", "/apis/actions.kio.kasten.io/v1alpha1/namespaces/ns/cancelactions"),
             405, "MethodNotAllowed");
    isStatus(api.call("DELETE", kCollection + "/x/status"), 405, "MethodNotAllowed");
    BOOST_TEST(api.count("retireactions.actions.kio.kasten.io") == 0u);
}

BOOST_AUTO_TEST_CASE(unsupported_media_types) {
    ApiHarness api;
    BOOST_TEST_REQUIRE(api.call("POST", kCollection, action("a"), kJson).status == 201);
    auto apply = api.call("PATCH", kCollection + "/a", "{}",
                          {{"Content-Type", "application/apply-patch+yaml"}});
    isStatus(apply, 415, "UnsupportedMediaType");
    BOOST_TEST(contains(apply.body, "application/merge-patch+json"));
    isStatus(api.call("POST", kCollection, "a: b", {{"Content-Type", "application/yaml"}}), 415,
             "UnsupportedMediaType");
    isStatus(api.call("GET", kCollection, "", {{"Accept", "application/vnd.kubernetes.protobuf"}}),
             406, "NotAcceptable");
    BOOST_TEST(api.count(kResource) == 1u);
}

BOOST_AUTO_TEST_CASE(conflicts_already_exists_and_stale_resource_versions) {
    ApiHarness api;
    BOOST_TEST_REQUIRE(api.call("POST", kCollection, action("a"), kJson).status == 201);
    auto again = api.call("POST", kCollection, action("a"), kJson);
    isStatus(again, 409, "AlreadyExists");
    BOOST_TEST(contains(again.body, R"(backupactions.actions.kio.kasten.io \"a\" already exists)"));
    auto stale = api.call("PATCH", kCollection + "/a",
                          R"({"metadata":{"resourceVersion":"999","labels":{"x":"y"}}})",
                          {{"Content-Type", "application/merge-patch+json"}});
    isStatus(stale, 409, "Conflict");
    BOOST_TEST(contains(stale.body, "the object has been modified"));
    auto precondition = api.call(
        "DELETE", kCollection + "/a",
        R"({"kind":"DeleteOptions","apiVersion":"v1","preconditions":{"uid":"nope"}})", kJson);
    isStatus(precondition, 409, "Conflict");
    // The store's words, once: kube-apiserver's, and the same path carries
    // a module's own refusals (the last passkey).
    BOOST_TEST(
        contains(
            precondition.body,
            R"(Operation cannot be fulfilled on backupactions.actions.kio.kasten.io \"a\": Precondition failed: UID in precondition: nope,)"),
        precondition.body);
    BOOST_TEST(api.count(kResource) == 1u);
    auto got = api.call("GET", kCollection + "/a");
    BOOST_TEST(!contains(got.body, R"("x":"y")"));
}

BOOST_AUTO_TEST_CASE(spec_is_immutable_and_status_changes_only_through_status) {
    ApiHarness api;
    BOOST_TEST_REQUIRE(api.call("POST", kCollection, action("a"), kJson).status == 201);
    auto spec = api.call("PATCH", kCollection + "/a", R"({"spec":{"subject":{"name":"b"}}})",
                         {{"Content-Type", "application/merge-patch+json"}});
    isStatus(spec, 422, "Invalid");
    BOOST_TEST(contains(spec.body, R"("field":"spec")"));
    BOOST_TEST(contains(spec.body, "field is immutable"));
    auto json = api.call("PATCH", kCollection + "/a",
                         R"([{"op":"replace","path":"/spec/subject/name","value":"b"}])",
                         {{"Content-Type", "application/json-patch+json"}});
    isStatus(json, 422, "Invalid");
    auto badPatch = api.call("PATCH", kCollection + "/a", R"([{"op":"remove","path":"/nope"}])",
                             {{"Content-Type", "application/json-patch+json"}});
    isStatus(badPatch, 400, "BadRequest");
    auto status = api.call("PATCH", kCollection + "/a", R"({"status":{"state":"Complete"}})",
                           {{"Content-Type", "application/merge-patch+json"}});
    BOOST_TEST(status.status == 200);
    BOOST_TEST(contains(status.body, R"("status":{"state":"Pending"})"), status.body);
    auto viaStatus =
        api.call("PATCH", kCollection + "/a/status", R"({"status":{"state":"Complete"}})",
                 {{"Content-Type", "application/merge-patch+json"}});
    BOOST_TEST(viaStatus.status == 200);
    BOOST_TEST(contains(viaStatus.body, R"("state":"Complete")"), viaStatus.body);
}

BOOST_AUTO_TEST_CASE(dry_run_values_other_than_all_are_invalid) {
    ApiHarness api;
    auto reply = api.call("POST", kCollection + "?dryRun=Some", action("a"), kJson);
    isStatus(reply, 422, "Invalid");
    auto dry = api.call("POST", kCollection + "?dryRun=All", action("a"), kJson);
    BOOST_TEST(dry.status == 201);
    BOOST_TEST(contains(dry.body, R"("state":"Pending")"));
    BOOST_TEST(api.count(kResource) == 0u);
}

BOOST_AUTO_TEST_CASE(without_the_catalog_resources_answer_503_and_discovery_works) {
    ApiHarness api(false);
    auto reply = api.call("GET", kCollection);
    isStatus(reply, 503, "ServiceUnavailable");
    BOOST_TEST(contains(reply.body,
                        R"("message":"the server is currently unable to handle the request")"));
    BOOST_TEST(reply.retryAfter.empty());  // no client-go retries against an absent catalog
    BOOST_TEST(api.call("GET", "/apis").status == 200);
    auto resources = api.call("GET", "/apis/actions.kio.kasten.io/v1alpha1");
    BOOST_TEST(resources.status == 200);
    BOOST_TEST(contains(resources.body, R"("name":"backupactions/status")"));
    BOOST_TEST(contains(resources.body, R"("name":"backupactions/details")"));
}

BOOST_AUTO_TEST_SUITE_END()
