#include <kiod/RequestAttributes.h>

#include <boost/test/unit_test.hpp>

using kiod::RequestAttributes;

namespace {

RequestAttributes parse(std::string_view method, std::string_view target) {
    auto question = target.find('?');
    return RequestAttributes::parse(
        method, target.substr(0, question),
        question == std::string_view::npos ? "" : target.substr(question + 1));
}

const std::string kActions = "/apis/actions.kio.kasten.io/v1alpha1";

}  // namespace

BOOST_AUTO_TEST_SUITE(request_attributes)

BOOST_AUTO_TEST_CASE(a_namespaced_list_is_list_of_the_resource_in_the_namespace) {
    auto a = parse("GET", kActions + "/namespaces/dev/backupactions");
    BOOST_TEST(a.resourceRequest);
    BOOST_TEST(a.verb == "list");
    BOOST_TEST(a.apiGroup == "actions.kio.kasten.io");
    BOOST_TEST(a.apiVersion == "v1alpha1");
    BOOST_TEST(a.namespaceName == "dev");
    BOOST_TEST(a.resource == "backupactions");
    BOOST_TEST(a.name.empty());
}

BOOST_AUTO_TEST_CASE(verbs_follow_the_method_and_whether_a_name_is_given) {
    std::string one = kActions + "/namespaces/dev/backupactions/b1";
    std::string all = kActions + "/namespaces/dev/backupactions";
    BOOST_TEST(parse("GET", one).verb == "get");
    BOOST_TEST(parse("HEAD", one).verb == "get");
    BOOST_TEST(parse("PUT", one).verb == "update");
    BOOST_TEST(parse("PATCH", one).verb == "patch");
    BOOST_TEST(parse("DELETE", one).verb == "delete");
    BOOST_TEST(parse("DELETE", all).verb == "deletecollection");
    BOOST_TEST(parse("POST", all).verb == "create");
    BOOST_TEST(parse("GET", all + "?watch=true").verb == "watch");
    BOOST_TEST(parse("GET", all + "?watch=1&resourceVersion=5").verb == "watch");
    BOOST_TEST(parse("GET", all + "?watch=false").verb == "list");
    BOOST_TEST(parse("GET", one).name == "b1");
}

BOOST_AUTO_TEST_CASE(subresources_and_cluster_scope) {
    auto status = parse("PUT", kActions + "/namespaces/dev/backupactions/b1/status");
    BOOST_TEST(status.subresource == "status");
    BOOST_TEST(status.name == "b1");
    BOOST_TEST(status.resourceAndSubresource() == "backupactions/status");

    auto cluster = parse("GET", kActions + "/backupactions");
    BOOST_TEST(cluster.verb == "list");
    BOOST_TEST(cluster.namespaceName.empty());

    auto clusterScoped =
        parse("GET", "/apis/apps.kio.kasten.io/v1alpha1/clusterrestorepoints/c/details");
    BOOST_TEST(clusterScoped.resource == "clusterrestorepoints");
    BOOST_TEST(clusterScoped.name == "c");
    BOOST_TEST(clusterScoped.subresource == "details");
}

BOOST_AUTO_TEST_CASE(a_field_selector_on_metadata_name_names_the_object) {
    auto a =
        parse("GET", kActions + "/namespaces/dev/backupactions?fieldSelector=metadata.name%3Db1");
    BOOST_TEST(a.verb == "list");
    BOOST_TEST(a.name == "b1");
    auto other = parse("GET", kActions + "/backupactions?fieldSelector=status.state%3DRunning");
    BOOST_TEST(other.name.empty());
}

BOOST_AUTO_TEST_CASE(the_core_group_namespaces_and_the_legacy_watch_path) {
    auto pods = parse("GET", "/api/v1/namespaces/dev/pods/p");
    BOOST_TEST(pods.resourceRequest);
    BOOST_TEST(pods.apiGroup.empty());
    BOOST_TEST(pods.resource == "pods");

    auto ns = parse("GET", "/api/v1/namespaces/dev");
    BOOST_TEST(ns.resource == "namespaces");
    BOOST_TEST(ns.name == "dev");
    BOOST_TEST(ns.namespaceName == "dev");

    auto watch = parse("GET", kActions + "/watch/namespaces/dev/backupactions");
    BOOST_TEST(watch.verb == "watch");
    BOOST_TEST(watch.resource == "backupactions");
}

BOOST_AUTO_TEST_CASE(everything_else_is_a_path_with_the_method_as_verb) {
    for (std::string path : {"/apis", "/apis/actions.kio.kasten.io", "/version", "/healthz",
                             "/crypto/v1/decrypt", "/catalog/backups", "/metrics", "/api"}) {
        auto a = parse("POST", path);
        BOOST_TEST(!a.resourceRequest, path);
        BOOST_TEST(a.verb == "post");
        BOOST_TEST(a.path == path);
    }
    // discovery of a group version is not a resource request either
    BOOST_TEST(parse("GET", kActions).resourceRequest == false);
    BOOST_TEST(parse("GET", kActions).verb == "get");
}

BOOST_AUTO_TEST_SUITE_END()
