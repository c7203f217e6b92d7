// The pieces of the protocol: Accept negotiation, field selectors, patches,
// Table and PartialObjectMetadata output, watch event encoding.
#include "ApiHarness.h"
#include "FieldSelector.h"
#include "ObjectJson.h"
#include "Patch.h"
#include "ResponseFormat.h"
#include "TextContains.h"
#include "WatchStream.h"

#include <boost/test/unit_test.hpp>

using kiod::test::contains;

using namespace kiod::aggregatedapi;
using namespace kiod::aggregatedapi::test;

namespace {

using Shape = ResponseFormat::Shape;

const std::string kCollection = "/apis/actions.kio.kasten.io/v1alpha1/namespaces/ns/backupactions";
const std::map<std::string, std::string> kJson = {{"Content-Type", "application/json"}};
const std::string kTable =
    "application/json;as=Table;v=v1;g=meta.k8s.io,application/"
    "json;as=Table;v=v1beta1;g=meta.k8s.io,"
    "application/json";

const ResourceInfo& backupActions() {
    return *ResourceTable::instance().find("actions.kio.kasten.io", "v1alpha1", "backupactions");
}

std::string applied(PatchType type, const std::string& target, const std::string& patch) {
    auto object = ObjectJson::parse(target);
    auto status = Patch::apply(type, object->document(), patch);
    return status ? object->serialize() : "error: " + status.message();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(response_format)

BOOST_AUTO_TEST_CASE(kubectl_get_accept_negotiates_a_table) {
    auto format = ResponseFormat::negotiate(kTable, true);
    BOOST_TEST_REQUIRE(format.has_value());
    BOOST_TEST((format->shape == Shape::kTable));
    // Parameters in any order, white space around them.
    format = ResponseFormat::negotiate("application/json; g=meta.k8s.io ;as=Table; v=v1", false);
    BOOST_TEST((format && format->shape == Shape::kTable));
}

BOOST_AUTO_TEST_CASE(unproducible_types_are_skipped_in_order_of_preference) {
    auto metadata = ResponseFormat::negotiate(
        "application/vnd.kubernetes.protobuf;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,"
        "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json",
        true);
    BOOST_TEST((metadata && metadata->shape == Shape::kPartialObjectMetadata));
    auto plain = ResponseFormat::negotiate(
        "application/json;as=Table;v=v1;g=meta.k8s.io;q=0.5,"
        "application/json",
        true);
    BOOST_TEST((plain && plain->shape == Shape::kObject));
    BOOST_TEST((ResponseFormat::negotiate("", true)->shape == Shape::kObject));
    BOOST_TEST((ResponseFormat::negotiate("*/*", false)->shape == Shape::kObject));
    BOOST_TEST(!ResponseFormat::negotiate("application/vnd.kubernetes.protobuf", true));
    BOOST_TEST(!ResponseFormat::negotiate("application/json;as=Frob;g=meta.k8s.io;v=v1", true));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(field_selector)

BOOST_AUTO_TEST_CASE(equalities_feed_the_store_and_inequalities_filter) {
    auto selector = FieldSelector::parse("status.state=Complete,metadata.name!=b", backupActions());
    BOOST_TEST_REQUIRE(selector.isOk());
    BOOST_TEST(selector->equalTo("status.state") == "Complete");
    BOOST_TEST(selector->matches("a", "ns", "Complete"));
    BOOST_TEST(!selector->matches("b", "ns", "Complete"));
    BOOST_TEST(!selector->matches("a", "ns", "Running"));
    auto contradiction = FieldSelector::parse("metadata.name=a,metadata.name==b", backupActions());
    BOOST_TEST(contradiction->impossible());
    auto escaped = FieldSelector::parse(R"(metadata.name=a\,b)", backupActions());
    BOOST_TEST(escaped->equalTo("metadata.name") == "a,b");
}

BOOST_AUTO_TEST_CASE(unsupported_fields_and_syntax_are_bad_requests) {
    auto unknown = FieldSelector::parse("spec.profile=x", backupActions());
    BOOST_TEST((unknown.status().code() == kiod::StatusCode::kBadRequest));
    BOOST_TEST(
        contains(unknown.status().message(), "\"spec.profile\" is not a known field selector"));
    const auto& passkeys =
        *ResourceTable::instance().find("vault.kio.kasten.io", "v1alpha1", "passkeys");
    BOOST_TEST(!FieldSelector::parse("status.state=x", passkeys).isOk());
    BOOST_TEST(!FieldSelector::parse("metadata.name", backupActions()).isOk());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(patch)

BOOST_AUTO_TEST_CASE(merge_patch_merges_maps_and_null_deletes) {
    BOOST_TEST(applied(PatchType::kMerge, R"({"a":{"b":1,"c":2},"l":[1,2]})",
                       R"({"a":{"b":null,"d":3},"l":[3]})") == R"({"a":{"c":2,"d":3},"l":[3]})");
    // Strategic merge patch of maps is the same document.
    BOOST_TEST(applied(PatchType::kStrategicMerge, R"({"metadata":{"labels":{"a":"1"}}})",
                       R"({"metadata":{"labels":{"b":"2"}}})") ==
               R"({"metadata":{"labels":{"a":"1","b":"2"}}})");
    BOOST_TEST(contains(applied(PatchType::kMerge, "{}", "[1]"), "error"));
}

BOOST_AUTO_TEST_CASE(json_patch_operations) {
    BOOST_TEST(
        applied(PatchType::kJson, R"({"a":{"b":1},"l":[1,3]})",
                R"([{"op":"add","path":"/l/1","value":2},{"op":"replace","path":"/a/b","value":5},)"
                R"({"op":"copy","from":"/a","path":"/c"},{"op":"move","from":"/c/b","path":"/d"},)"
                R"({"op":"remove","path":"/c"},{"op":"add","path":"/l/-","value":4},)"
                R"({"op":"test","path":"/d","value":5}])") ==
        R"({"a":{"b":5},"l":[1,2,3,4],"d":5})");
    BOOST_TEST(applied(PatchType::kJson, R"({"metadata":{"labels":{"a/b":"1"}}})",
                       R"([{"op":"remove","path":"/metadata/labels/a~1b"}])") ==
               R"({"metadata":{"labels":{}}})");
    BOOST_TEST(contains(
        applied(PatchType::kJson, R"({"a":1})", R"([{"op":"test","path":"/a","value":2}])"),
        "test of \"/a\" failed"));
    BOOST_TEST(contains(
        applied(PatchType::kJson, R"({"a":1})", R"([{"op":"replace","path":"/b","value":2}])"),
        "does not exist"));
    BOOST_TEST(contains(applied(PatchType::kJson, "{}", R"({"op":"add"})"), "array"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(output)

BOOST_AUTO_TEST_CASE(lists_as_objects_tables_and_metadata) {
    ApiHarness api;
    BOOST_TEST_REQUIRE(
        api.call(
               "POST", kCollection,
               R"({"metadata":{"generateName":"backup-","labels":{"k10.kasten.io/policyName":"daily","k10.kasten.io/appName":"shop"}},"spec":{"subject":{"name":"shop"}}})",
               kJson)
            .status == 201);
    auto empty =
        api.call("GET", "/apis/actions.kio.kasten.io/v1alpha1/namespaces/other/backupactions");
    BOOST_TEST(contains(
        empty.body,
        R"("kind":"BackupActionList","apiVersion":"actions.kio.kasten.io/v1alpha1","metadata":{"resourceVersion":")"));
    BOOST_TEST(contains(empty.body, R"("items":[]})"), empty.body);

    auto table = api.call("GET", kCollection, "", {{"Accept", kTable}});
    BOOST_TEST(contains(table.body, R"({"kind":"Table","apiVersion":"meta.k8s.io/v1")"),
               table.body);
    BOOST_TEST(contains(table.body, R"({"name":"Name","type":"string","format":"name")"));
    BOOST_TEST(contains(
        table.body,
        R"({"name":"Policy","type":"string","format":"","description":"The policy that created it (label).","priority":1})"));
    BOOST_TEST(
        contains(table.body,
                 R"(,"Pending",null,"daily","shop"],"object":{"kind":"PartialObjectMetadata")"),
        table.body);
    auto none = api.call("GET", kCollection + "?includeObject=None", "", {{"Accept", kTable}});
    BOOST_TEST(!contains(none.body, "\"object\""));
    auto full = api.call("GET", kCollection + "?includeObject=Object", "", {{"Accept", kTable}});
    BOOST_TEST(contains(full.body, R"("spec":{"subject":{"name":"shop"}})"), full.body);

    auto metadata =
        api.call("GET", kCollection, "",
                 {{"Accept", "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1"}});
    BOOST_TEST(contains(metadata.body,
                        R"({"kind":"PartialObjectMetadataList","apiVersion":"meta.k8s.io/v1")"));
    BOOST_TEST(contains(metadata.body, R"("generateName":"backup-")"));
    BOOST_TEST(!contains(metadata.body, "spec"));
}

BOOST_AUTO_TEST_CASE(details_are_left_out_except_from_the_details_subresource) {
    ApiHarness api;
    BOOST_TEST_REQUIRE(api.call("POST", kCollection,
                                R"({"metadata":{"name":"a"},"spec":{"subject":{"name":"x"}}})",
                                kJson)
                           .status == 201);
    BOOST_TEST_REQUIRE(api.call("PATCH", kCollection + "/a/status",
                                R"({"status":{"actionDetails":{"phases":[]}}})",
                                {{"Content-Type", "application/merge-patch+json"}})
                           .status == 200);
    BOOST_TEST(!contains(api.call("GET", kCollection + "/a").body, "actionDetails"));
    BOOST_TEST(!contains(api.call("GET", kCollection).body, "actionDetails"));
    BOOST_TEST(contains(api.call("GET", kCollection + "/a/details").body,
                        R"("actionDetails":{"phases":[]})"));
    // A status written back from a get (without details) keeps them; a
    // null removes them.
    auto object = api.call("GET", kCollection + "/a").body;
    auto at = object.find(R"("status":{)");
    BOOST_TEST_REQUIRE(at != std::string::npos);
    auto rewritten = object.substr(0, at) + R"("status":{"state":"Running"}})";
    BOOST_TEST_REQUIRE(api.call("PUT", kCollection + "/a/status", rewritten, kJson).status == 200);
    auto details = api.call("GET", kCollection + "/a/details").body;
    BOOST_TEST((contains(details, R"("actionDetails":{"phases":[]})") &&
                contains(details, R"("state":"Running")")),
               details);
    BOOST_TEST_REQUIRE(api.call("PATCH", kCollection + "/a/status",
                                R"({"status":{"actionDetails":null}})",
                                {{"Content-Type", "application/merge-patch+json"}})
                           .status == 200);
    BOOST_TEST(!contains(api.call("GET", kCollection + "/a/details").body, "actionDetails"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(watch_stream)

BOOST_AUTO_TEST_CASE(state_requirements_turn_transitions_into_added_and_deleted) {
    ApiHarness api;  // a request to build the selection from
    const auto& resource = backupActions();
    MemoryResponse response;
    MemoryRequest http(response, "");
    kiod::RouteRequest route(http, "api", "/", "fieldSelector=status.state%3DRunning", {});
    ApiRequest request{route, response, resource, "ns", "", "", nullptr, "kasten-io", nullptr};
    auto selection = Selection::of(request);
    BOOST_TEST_REQUIRE(selection.isOk());
    WatchStream stream(resource, selection.value(), ResponseFormat{});
    auto object = [](const std::string& state, kiod::catalog::Revision revision) {
        return kiod::catalog::StoredObject{
            {"backupactions.actions.kio.kasten.io", "ns", "a"},
            "uid",
            revision,
            R"({"kind":"BackupAction","metadata":{"name":"a","namespace":"ns","resourceVersion":")" +
                std::to_string(revision) + R"("},"status":{"state":")" + state + "\"}}"};
    };
    using Type = kiod::catalog::WatchEvent::Type;
    BOOST_TEST(stream.initial(object("Pending", 1), true).empty());
    BOOST_TEST(stream.encode({Type::kModified, object("Pending", 2)}).empty());
    BOOST_TEST(
        contains(stream.encode({Type::kModified, object("Running", 3)}), R"({"type":"ADDED")"));
    BOOST_TEST(
        contains(stream.encode({Type::kModified, object("Running", 4)}), R"({"type":"MODIFIED")"));
    auto left = stream.encode({Type::kModified, object("Complete", 5)});
    BOOST_TEST(contains(left, R"({"type":"DELETED")"));
    BOOST_TEST(left.back() == '\n');
    BOOST_TEST(stream.encode({Type::kDeleted, object("Complete", 6)}).empty());
    BOOST_TEST(
        stream.bookmark(6) ==
        R"({"type":"BOOKMARK","object":{"kind":"BackupAction","apiVersion":"actions.kio.kasten.io/v1alpha1","metadata":{"resourceVersion":"6"}}})"
        "\n");
    BOOST_TEST(contains(
        WatchStream::error(WatchStream::tooOld()),
        R"({"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure")"));
}

BOOST_AUTO_TEST_CASE(table_events_carry_columns_only_first) {
    const auto& resource = backupActions();
    MemoryResponse response;
    MemoryRequest http(response, "");
    kiod::RouteRequest route(http, "api", "/", "", {});
    ApiRequest request{route, response, resource, "ns", "", "", nullptr, "kasten-io", nullptr};
    ResponseFormat table;
    table.shape = Shape::kTable;
    WatchStream stream(resource, Selection::of(request).value(), table);
    kiod::catalog::StoredObject object{{"backupactions.actions.kio.kasten.io", "ns", "a"},
                                       "u",
                                       1,
                                       R"({"metadata":{"name":"a"},"status":{"state":"Running"}})"};
    auto first = stream.initial(object, true);
    auto second = stream.encode({kiod::catalog::WatchEvent::Type::kModified, object});
    BOOST_TEST(contains(first, R"("columnDefinitions":[{"name":"Name")"));
    BOOST_TEST(contains(second, R"("columnDefinitions":[])"));
    BOOST_TEST(contains(second, R"("rows":[{"cells":["a",null,"Running")"), second);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(semantics)

BOOST_AUTO_TEST_CASE(restore_point_binds_only_an_unbound_content) {
    ApiHarness api;
    const std::string apps = "/apis/apps.kio.kasten.io/v1alpha1";
    BOOST_TEST_REQUIRE(
        api.call("POST", apps + "/restorepointcontents",
                 R"({"metadata":{"name":"c"},"status":{"state":"Unbound","logicalSizeBytes":42}})",
                 kJson)
            .status == 201);
    auto missing = api.call(
        "POST", apps + "/namespaces/ns/restorepoints",
        R"({"metadata":{"name":"r0"},"spec":{"restorePointContentRef":{"name":"nope"}}})", kJson);
    BOOST_TEST(missing.status == 422);
    BOOST_TEST(contains(missing.body, R"("field":"spec.restorePointContentRef.name")"));
    auto bound = api.call(
        "POST", apps + "/namespaces/ns/restorepoints",
        R"({"metadata":{"name":"r1"},"spec":{"restorePointContentRef":{"name":"c"}}})", kJson);
    BOOST_TEST(bound.status == 201, bound.body);
    BOOST_TEST(contains(bound.body, R"("status":{"state":"Bound","logicalSizeBytes":42})"));
    auto twice = api.call(
        "POST", apps + "/namespaces/ns/restorepoints",
        R"({"metadata":{"name":"r2"},"spec":{"restorePointContentRef":{"name":"c"}}})", kJson);
    BOOST_TEST(twice.status == 422);
    BOOST_TEST(contains(twice.body, "already bound"));
    BOOST_TEST(api.count("restorepoints.apps.kio.kasten.io") == 1u);
    // Deleting the RestorePoint unbinds the content, which can be bound again.
    BOOST_TEST(api.call("DELETE", apps + "/namespaces/ns/restorepoints/r1").status == 200);
    BOOST_TEST(
        contains(api.call("GET", apps + "/restorepointcontents/c").body, R"("state":"Unbound")"));
    BOOST_TEST(
        api.call("POST", apps + "/namespaces/ns/restorepoints",
                 R"({"metadata":{"name":"r3"},"spec":{"restorePointContentRef":{"name":"c"}}})",
                 kJson)
            .status == 201);
}

BOOST_AUTO_TEST_CASE(a_binding_to_a_restore_point_that_is_gone_is_stale) {
    ApiHarness api;
    const std::string apps = "/apis/apps.kio.kasten.io/v1alpha1";
    BOOST_TEST_REQUIRE(
        api.call(
               "POST", apps + "/restorepointcontents",
               R"({"metadata":{"name":"c"},"status":{"state":"Bound","restorePointRef":{"name":"ghost","namespace":"ns"}}})",
               kJson)
            .status == 201);
    auto bound = api.call(
        "POST", apps + "/namespaces/ns/restorepoints",
        R"({"metadata":{"name":"r"},"spec":{"restorePointContentRef":{"name":"c"}}})", kJson);
    BOOST_TEST(bound.status == 201, bound.body);
    BOOST_TEST(contains(api.call("GET", apps + "/restorepointcontents/c").body,
                        R"("restorePointRef":{"name":"r","namespace":"ns"})"));
}

BOOST_AUTO_TEST_CASE(deletecollection_deletes_what_the_selectors_match_with_consequences) {
    ApiHarness api;
    const std::string contents = "/apis/apps.kio.kasten.io/v1alpha1/restorepointcontents";
    for (const auto* name : {"c1", "c2", "c3"}) {
        std::string app = name == std::string("c3") ? "other" : "shop";
        BOOST_TEST_REQUIRE(api.call("POST", contents,
                                    R"({"metadata":{"name":")" + std::string(name) +
                                        R"(","labels":{"k10.kasten.io/appName":")" + app +
                                        R"("}},"status":{"state":"Unbound"}})",
                                    kJson)
                               .status == 201);
    }
    auto dry =
        api.call("DELETE", contents + "?labelSelector=k10.kasten.io/appName%3Dshop&dryRun=All");
    BOOST_TEST(dry.status == 200);
    BOOST_TEST(api.count("restorepointcontents.apps.kio.kasten.io") == 3u);
    auto deleted = api.call("DELETE", contents + "?labelSelector=k10.kasten.io/appName%3Dshop");
    BOOST_TEST(deleted.status == 200, deleted.body);
    BOOST_TEST(contains(deleted.body, R"({"kind":"RestorePointContentList")"));
    BOOST_TEST(
        (contains(deleted.body, R"("name":"c1")") && contains(deleted.body, R"("name":"c2")")));
    BOOST_TEST(!contains(deleted.body, R"("name":"c3")"));
    BOOST_TEST(api.count("restorepointcontents.apps.kio.kasten.io") == 1u);
    BOOST_TEST(api.count("retireactions.actions.kio.kasten.io") == 2u);  // one per content
}

BOOST_AUTO_TEST_CASE(cancel_action_needs_an_existing_subject_and_is_never_stored) {
    ApiHarness api;
    const std::string cancels = "/apis/actions.kio.kasten.io/v1alpha1/namespaces/ns/cancelactions";
    auto missing = api.call(
        "POST", cancels,
        R"({"metadata":{"name":"c"},"spec":{"subject":{"kind":"BackupAction","name":"x"}}})",
        kJson);
    BOOST_TEST(missing.status == 404, missing.body);
    BOOST_TEST_REQUIRE(api.call("POST", kCollection,
                                R"({"metadata":{"name":"x"},"spec":{"subject":{"name":"x"}}})",
                                kJson)
                           .status == 201);
    BOOST_TEST_REQUIRE(api.call("PATCH", kCollection + "/x/status",
                                R"({"status":{"state":"Complete"}})",
                                {{"Content-Type", "application/merge-patch+json"}})
                           .status == 200);
    auto finished = api.call(
        "POST", cancels,
        R"({"metadata":{"name":"c"},"spec":{"subject":{"kind":"BackupAction","name":"x"}}})",
        kJson);
    BOOST_TEST(finished.status == 201, finished.body);
    BOOST_TEST(contains(api.call("GET", kCollection + "/x").body, R"("state":"Complete")"));
    BOOST_TEST(api.count("cancelactions.actions.kio.kasten.io") == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
