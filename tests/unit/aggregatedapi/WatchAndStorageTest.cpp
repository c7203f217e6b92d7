// Watch over HTTP (start semantics, 410 as an ERROR event), the one table
// from store failures to HTTP, and kinds whose storage another module
// publishes.
#include "ApiError.h"
#include "ApiHarness.h"
#include "ObjectJson.h"
#include "TextContains.h"
#include "TextLines.h"
#include "WatchStream.h"

#include <kiod/aggregatedapi/ResourceStorage.h>

#include <boost/test/unit_test.hpp>

using kiod::test::contains;

using namespace kiod::aggregatedapi;
using namespace kiod::aggregatedapi::test;

namespace {

const std::string kCollection = "/apis/actions.kio.kasten.io/v1alpha1/namespaces/ns/backupactions";
const std::map<std::string, std::string> kJson = {{"Content-Type", "application/json"}};
const std::map<std::string, std::string> kMerge = {
    {"Content-Type", "application/merge-patch+json"}};

std::string action(const std::string& name) {
    return R"({"metadata":{"name":")" + name + R"("},"spec":{"subject":{"name":"app"}}})";
}

// A module's storage for passkeys: here the catalog's store under the
// passkeys' resource name, with a rule of its own (spec.secret required)
// and the status it sets on create.
class PasskeyStorage : public kiod::aggregatedapi::ResourceStorage {
public:
    explicit PasskeyStorage(std::shared_ptr<kiod::catalog::ObjectStore> store)
        : store_(std::move(store)) {}
    std::vector<std::string> resources() const override { return {"passkeys.vault.kio.kasten.io"}; }
    std::vector<kiod::StatusCause> validateCreate(const kiod::catalog::ObjectKey&,
                                                  const std::string& json) const override {
        if (contains(json, R"("secret":)")) {
            return {};
        }
        return {{"FieldValueRequired", "Required value", "spec.secret"}};
    }
    kiod::Status validateDelete(const kiod::catalog::ObjectKey&) override {
        return kiod::Status::ok();
    }
    kiod::Result<kiod::catalog::StoredObject> create(const kiod::catalog::ObjectKey& key,
                                                     const std::string& json) override {
        ++writes;
        auto object = ObjectJson::parse(json);
        object.value().set({"status", "valid"}, rapidjson::Value(true));
        return store_->create(key, object.value().serialize());
    }
    kiod::Result<kiod::catalog::StoredObject> get(const kiod::catalog::ObjectKey& key) override {
        return store_->get(key);
    }
    kiod::Result<kiod::catalog::StoredObject> update(const kiod::catalog::ObjectKey& key,
                                                     const std::string& json,
                                                     kiod::catalog::Revision expected) override {
        ++writes;
        return store_->update(key, json, expected);
    }
    kiod::Result<kiod::catalog::StoredObject> remove(
        const kiod::catalog::ObjectKey& key,
        const kiod::catalog::Preconditions& preconditions) override {
        ++writes;
        return store_->remove(key, preconditions);
    }
    kiod::Result<std::vector<kiod::catalog::StoredObject>> apply(
        const std::vector<kiod::catalog::Mutation>& mutations) override {
        ++writes;
        return store_->apply(mutations);
    }
    kiod::Result<kiod::catalog::ListPage> list(const kiod::catalog::ListOptions& options) override {
        return store_->list(options);
    }
    kiod::Result<std::unique_ptr<kiod::catalog::Watch>> watch(
        const kiod::catalog::WatchOptions& options) override {
        return store_->watch(options);
    }
    kiod::catalog::Revision currentRevision() const override { return store_->currentRevision(); }

    int writes = 0;

private:
    std::shared_ptr<kiod::catalog::ObjectStore> store_;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(watch)

// The rest of the watch protocol runs over real connections: see the
// api_watch suite of the end-to-end tests.
BOOST_AUTO_TEST_CASE(too_old_resource_version_opens_as_an_error_event_with_410) {
    ApiHarness api;
    for (const auto* name : {"a", "b", "c"}) {
        BOOST_TEST_REQUIRE(api.call("POST", kCollection, action(name), kJson).status == 201);
    }
    BOOST_TEST_REQUIRE(api.store().compactChangeLog(api.store().currentRevision()).isOk());
    const auto& resource =
        *ResourceTable::instance().find("actions.kio.kasten.io", "v1alpha1", "backupactions");
    MemoryResponse response;
    MemoryRequest http(response, "");
    kiod::RouteRequest route(http, "api", "/", "", {});
    ApiRequest request{route, response, resource, "ns", "", "", nullptr, "kasten-io", nullptr};
    WatchStream stream(resource, Selection::of(request).value(), ResponseFormat{});
    auto opened = stream.open(api.store(), {false, 1});
    BOOST_TEST_REQUIRE(static_cast<bool>(opened));
    BOOST_TEST(!opened.value().watch);
    auto lines = kiod::test::nonEmptyLines(opened.value().lines);
    BOOST_TEST_REQUIRE(lines.size() == 1u, opened.value().lines);
    BOOST_TEST(contains(lines[0], R"({"type":"ERROR","object":{"kind":"Status")"));
    BOOST_TEST(contains(lines[0], R"("reason":"Expired")"));
    BOOST_TEST(contains(lines[0], R"("code":410)"));
}

BOOST_AUTO_TEST_CASE(bad_watch_parameters_are_refused_before_streaming) {
    ApiHarness api;
    auto rv = api.call("GET", kCollection + "?watch=true&resourceVersion=abc");
    BOOST_TEST(rv.status == 400);
    BOOST_TEST(contains(rv.body, R"("kind":"Status")"));
    BOOST_TEST(api.call("GET", kCollection + "?watch=true&timeoutSeconds=-5").status == 400);
    BOOST_TEST(api.call("GET", kCollection + "?watch=true&sendInitialEvents=true").status == 422);
    BOOST_TEST(api.call("GET", kCollection + "?watch=true&fieldSelector=spec.x%3D1").status == 400);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(failure_table)

BOOST_AUTO_TEST_CASE(store_failures_map_to_kubernetes_statuses) {
    const auto& resource =
        *ResourceTable::instance().find("actions.kio.kasten.io", "v1alpha1", "backupactions");
    auto overloaded = ApiError::fromStatus(kiod::Status::overloaded("queue full"), resource, "a");
    BOOST_TEST(overloaded.code == 429);
    BOOST_TEST(overloaded.reason == "TooManyRequests");
    BOOST_TEST(overloaded.details.retryAfterSeconds == 1);
    MemoryResponse response;
    overloaded.send(response);
    BOOST_TEST(response.get("Retry-After") == "1");
    BOOST_TEST(contains(response.body(), R"("details":{"retryAfterSeconds":1})"), response.body());

    auto unavailable = ApiError::fromStatus(kiod::Status::unavailable("disk full"), resource, "");
    BOOST_TEST(unavailable.code == 503);
    BOOST_TEST(unavailable.message == "the server is currently unable to handle the request");
    BOOST_TEST(ApiError::fromStatus(kiod::Status::conflict("x"), resource, "a").code == 409);
    BOOST_TEST(ApiError::fromStatus(kiod::Status::expired("x"), resource, "").code == 410);
    auto internal = ApiError::fromStatus(kiod::Status::internal("boom"), resource, "a");
    BOOST_TEST(internal.code == 500);
    BOOST_TEST(internal.message == "Internal error occurred: boom");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(module_storage)

BOOST_AUTO_TEST_CASE(passkeys_are_served_from_the_storage_a_module_publishes) {
    ApiHarness api;
    const std::string passkeys = "/apis/vault.kio.kasten.io/v1alpha1/passkeys";
    BOOST_TEST(api.call("GET", passkeys).status == 503);
    auto storage = std::make_shared<PasskeyStorage>(api.sharedStore());
    api.services().publish<ResourceStorage>(storage);
    // The module's own rules, dry run or not, before it stores anything.
    for (const std::string query : {"", "?dryRun=All"}) {
        auto refused =
            api.call("POST", passkeys + query, R"({"metadata":{"name":"pk1"},"spec":{}})", kJson);
        BOOST_TEST(refused.status == 422);
        BOOST_TEST(contains(refused.body, R"("field":"spec.secret")"), refused.body);
    }
    BOOST_TEST(storage->writes == 0);
    // The status is the module's: what the client sends is dropped.
    auto created = api.call(
        "POST", passkeys,
        R"({"metadata":{"name":"pk1"},"spec":{"secret":{"name":"s","namespace":"kasten-io"}},"status":{"valid":false,"x":1}})",
        kJson);
    BOOST_TEST(created.status == 201, created.body);
    BOOST_TEST(!contains(created.body, R"("x":1)"), created.body);
    BOOST_TEST(storage->writes == 1);
    auto table =
        api.call("GET", passkeys, "", {{"Accept", "application/json;as=Table;v=v1;g=meta.k8s.io"}});
    BOOST_TEST(contains(table.body, R"("columnDefinitions":[{"name":"Name")"));
    BOOST_TEST(contains(table.body, R"({"name":"Valid","type":"boolean")"));
    BOOST_TEST(contains(table.body, R"("cells":["pk1",true])"), table.body);
    auto label =
        api.call("PATCH", passkeys + "/pk1", R"({"metadata":{"labels":{"a":"b"}}})", kMerge);
    BOOST_TEST(label.status == 200);
    BOOST_TEST(api.call("DELETE", passkeys + "/pk1").status == 200);
    BOOST_TEST(storage->writes == 3);
    BOOST_TEST(api.call("DELETE", passkeys).status == 405);  // no deletecollection of passkeys
}

BOOST_AUTO_TEST_SUITE_END()
