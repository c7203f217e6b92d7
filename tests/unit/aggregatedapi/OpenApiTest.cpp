// The OpenAPI documents: what kubectl's explain and validation look for,
// and the protobuf encoding older kubectl reads.
#include "ApiHarness.h"
#include "OpenApi.h"
#include "OpenApiProtobuf.h"
#include "TextContains.h"

#include <boost/test/unit_test.hpp>

using kiod::test::contains;

using namespace kiod::aggregatedapi;
using namespace kiod::aggregatedapi::test;

namespace {

std::string encoded(const char* json) {
    rapidjson::Document document;
    document.Parse(json);
    return OpenApiProtobuf::encode(document);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(openapi)

BOOST_AUTO_TEST_CASE(protobuf_encoding_follows_the_wire_format) {
    // Document{swagger = 1: "2.0", info = 2: Info{title = 1: "t", version = 2: "v"}}
    BOOST_TEST(encoded(R"({"swagger":"2.0","info":{"title":"t","version":"v"}})") ==
               std::string("\x0a\x03"
                           "2.0"
                           "\x12\x06\x0a\x01t\x12\x01v",
                           13));
    // definitions = 9: Definitions{NamedSchema{name "K", Schema{type = 22: TypeItem{"object"},
    // vendor_extension = 31: NamedAny{"x-a", Any{yaml = 2: "1"}}}}}
    auto schema = encoded(R"({"definitions":{"K":{"type":"object","x-a":1}}})");
    std::string typeItem = std::string("\xb2\x01\x08\x0a\x06object", 11);
    std::string extension = std::string(
        "\xfa\x01\x0a\x0a\x03x-a\x12\x03\x12\x01"
        "1",
        13);
    BOOST_TEST(contains(schema, "\x0a\x01K"));
    BOOST_TEST(contains(schema, typeItem));
    BOOST_TEST(contains(schema, extension));
}

BOOST_AUTO_TEST_CASE(every_kind_has_a_schema_and_a_patch_operation_with_its_kind) {
    OpenApi openApi(ResourceTable::instance());
    auto v3 = openApi.v3("actions.kio.kasten.io", "v1alpha1");
    BOOST_TEST_REQUIRE(v3.has_value());
    for (const auto* resource :
         ResourceTable::instance().inGroupVersion("actions.kio.kasten.io", "v1alpha1")) {
        auto gvk =
            R"("x-kubernetes-group-version-kind":[{"group":"actions.kio.kasten.io","version":"v1alpha1","kind":")" +
            resource->kind + "\"}]";
        BOOST_TEST(contains(*v3, gvk), resource->kind);
        BOOST_TEST(contains(openApi.v2(), gvk), resource->kind);
    }
    BOOST_TEST(contains(*v3, R"("patch":{"operationId":"patchBackupAction")"));
    BOOST_TEST(contains(*v3, R"({"name":"fieldValidation","in":"query")"));
    BOOST_TEST(contains(*v3, R"("application/merge-patch+json")"));
    BOOST_TEST(!contains(*v3, "strategic-merge-patch"));
    BOOST_TEST(contains(
        openApi.v3Index(),
        R"("apis/apps.kio.kasten.io/v1alpha1":{"serverRelativeURL":"/openapi/v3/apis/apps.kio.kasten.io/v1alpha1?hash=)"));
    // v2 drops the properties of schemas that keep unknown fields, as
    // kube-apiserver does for CRDs: clients validating against it refuse
    // fields a schema does not list.
    BOOST_TEST(contains(*v3, R"("subject":{"type":"object")"));
    BOOST_TEST(!contains(openApi.v2(), R"("subject":{"type":"object")"));
}

BOOST_AUTO_TEST_CASE(v2_is_served_as_protobuf_to_kubectl_and_as_json_otherwise) {
    ApiHarness api(false);
    auto protobuf =
        api.call("GET", "/openapi/v2", "",
                 {{"Accept", "application/com.github.proto-openapi.spec.v2@v1.0+protobuf"}});
    BOOST_TEST(protobuf.status == 200);
    BOOST_TEST(protobuf.contentType ==
               "application/com.github.proto-openapi.spec.v2.v1.0+protobuf");
    BOOST_TEST(protobuf.body.substr(0, 5) == std::string("\x0a\x03"
                                                         "2.0",
                                                         5));
    auto json = api.call("GET", "/openapi/v2", "", {{"Accept", "application/json"}});
    BOOST_TEST(json.contentType == "application/json");
    BOOST_TEST(contains(json.body, R"({"swagger":"2.0")"));
    BOOST_TEST(api.call("GET", "/openapi/v3/apis/frobs.example.com/v1").status == 404);
}

BOOST_AUTO_TEST_SUITE_END()
