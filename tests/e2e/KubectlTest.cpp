// kubectl against kiod's aggregated API: the real client (the one in
// $KIOD_KUBECTL, else /usr/bin/kubectl; ctest runs this suite with kubectl
// 1.32 and 1.20) against the real kiod on free ports, over HTTPS.
#include "HttpClient.h"
#include "KiodProcess.h"
#include "Kubectl.h"
#include "TextContains.h"

#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <sstream>

using namespace kiod::test;
using namespace std::chrono_literals;

namespace {

const char* kActions = "/apis/actions.kio.kasten.io/v1alpha1";

// kiod with the aggregated API (and the catalog unless left out), and a
// kubectl pointed at it.
struct ApiServer {
    explicit ApiServer(const std::string& modules = "metrics, catalog, aggregatedapi")
        : kiod(dir, baseConfig(dir, modules), {"--set", "listener.api.tls.auto=true"}),
          kubectl(dir, kiod.url("api")) {}

    RunResult run(const std::vector<std::string>& args, const std::string& input = "") {
        return kubectl.run(args, input);
    }
    // `kubectl create -f -`, with client-side validation on (kubectl
    // before 1.27 validates against the protobuf OpenAPI v2, later ones ask
    // the server to, with fieldValidation=Strict).
    RunResult create(const std::string& yaml, std::vector<std::string> extra = {}) {
        std::vector<std::string> args = {"create", "-f", "-"};
        args.insert(args.end(), extra.begin(), extra.end());
        return kubectl.run(args, yaml);
    }
    // What the platform's executor does: a merge patch of status through
    // the status subresource, straight over HTTP (kubectl 1.20 has no
    // --subresource).
    void setStatus(const std::string& path, const std::string& status) {
        auto session = openSession(kiod.url("api"));
        Poco::Net::HTTPRequest request("PATCH", path + "/status", Poco::Net::HTTPMessage::HTTP_1_1);
        std::string body = R"({"status":)" + status + "}";
        request.setContentType("application/merge-patch+json");
        request.setContentLength(static_cast<std::streamsize>(body.size()));
        session->sendRequest(request) << body;
        Poco::Net::HTTPResponse response;
        std::string answer;
        Poco::StreamCopier::copyToString(session->receiveResponse(response), answer);
        BOOST_REQUIRE_MESSAGE(response.getStatus() == 200, answer);
    }

    TempDir dir;
    KiodProcess kiod;
    Kubectl kubectl;
};

std::string backupAction(const std::string& name, const std::string& ns,
                         const std::string& labels = "") {
    return "apiVersion: actions.kio.kasten.io/v1alpha1\n"
           "kind: BackupAction\n"
           "metadata:\n"
           "  name: " +
           name + "\n  namespace: " + ns + "\n  labels: {" + labels +
           "}\n"
           "spec:\n"
           "  subject: {name: " +
           ns + ", namespace: " + ns + "}\n";
}

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (!line.empty()) {
            out.push_back(line);
        }
    }
    return out;
}

// Names printed by `get -o name`, without the resource prefix, sorted.
std::vector<std::string> names(const RunResult& result) {
    std::vector<std::string> out;
    for (auto& line : lines(result.out)) {
        out.push_back(line.substr(line.find('/') + 1));
    }
    std::sort(out.begin(), out.end());
    return out;
}

using Names = std::vector<std::string>;

}  // namespace

BOOST_AUTO_TEST_SUITE(kubectl)

BOOST_AUTO_TEST_CASE(api_resources_lists_every_kind) {
    ApiServer api;
    auto result = api.run({"api-resources"});
    BOOST_TEST_REQUIRE(result.exitCode == 0, result.err);
    for (const auto* row : {"backupactions", "restoreactions", "cancelactions", "retireactions",
                            "backupclusteractions", "restorepoints", "restorepointcontents",
                            "clusterrestorepoints", "passkeys"}) {
        BOOST_TEST(contains(result.out, std::string("\n") + row + " "), row);
    }
    BOOST_TEST(contains(result.out, "actions.kio.kasten.io/v1alpha1"));
    BOOST_TEST(contains(result.out, "vault.kio.kasten.io/v1alpha1"));
}

BOOST_AUTO_TEST_CASE(created_actions_are_listed_in_every_output_format) {
    ApiServer api;
    auto created =
        api.create(backupAction("b1", "mysql",
                                "k10.kasten.io/appName: mysql, "
                                "k10.kasten.io/policyName: daily") +
                   "---\n" + backupAction("b2", "mysql") + "---\n" + backupAction("b3", "redis"));
    BOOST_TEST_REQUIRE(created.exitCode == 0, created.err);
    BOOST_TEST(contains(created.out, "backupaction.actions.kio.kasten.io/b1 created"));

    auto all = api.run({"get", "backupactions", "-A"});
    BOOST_TEST_REQUIRE(all.exitCode == 0, all.err);
    auto rows = lines(all.out);
    BOOST_TEST_REQUIRE(rows.size() == 4u, all.out);
    BOOST_TEST((contains(rows[0], "NAMESPACE") && contains(rows[0], "CREATED AT") &&
                contains(rows[0], "STATE") && contains(rows[0], "PCT")),
               rows[0]);
    BOOST_TEST(
        (contains(rows[1], "mysql") && contains(rows[1], "b1") && contains(rows[1], "Pending")));
    BOOST_TEST((contains(rows[3], "redis") && contains(rows[3], "b3")));

    auto one = api.run({"get", "backupactions", "-n", "redis", "-o", "name"});
    BOOST_TEST(one.out == "backupaction.actions.kio.kasten.io/b3\n", one.err);

    auto wide = api.run({"get", "backupactions", "-n", "mysql", "-o", "wide"});
    BOOST_TEST((contains(wide.out, "POLICY") && contains(wide.out, "APP")), wide.out);
    BOOST_TEST((contains(lines(wide.out)[1], "daily") && contains(lines(wide.out)[1], "mysql")));
    BOOST_TEST(!contains(api.run({"get", "backupactions", "-n", "mysql"}).out, "POLICY"));

    auto yaml = api.run({"get", "backupaction", "b1", "-n", "mysql", "-o", "yaml"});
    BOOST_TEST(contains(yaml.out, "kind: BackupAction"), yaml.err);
    BOOST_TEST(contains(yaml.out, "state: Pending"));
    BOOST_TEST(contains(yaml.out, "uid: "));
    BOOST_TEST(contains(yaml.out, "resourceVersion: "));

    auto json = api.run({"get", "backupactions", "-n", "mysql", "-o", "json"});
    BOOST_TEST(contains(json.out, "\"name\": \"b2\""), json.err);
    BOOST_TEST(contains(json.out, "\"creationTimestamp\""));

    auto path = api.run({"get", "backupactions", "-A", "-o",
                         "jsonpath={.items[*].metadata.name} {.items[0].status.state}"});
    BOOST_TEST(path.out == "b1 b2 b3 Pending", path.err);

    // kube-apiserver's request metrics, for the requests above.
    auto metrics = get(api.kiod.url("metrics"), "/metrics").body;
    BOOST_TEST(
        contains(
            metrics,
            R"(apiserver_request_total{code="201",group="actions.kio.kasten.io",resource="backupactions",scope="resource",subresource="",verb="POST",version="v1alpha1"} 3)"),
        metrics);
    BOOST_TEST(contains(
        metrics,
        R"(apiserver_request_total{code="200",group="actions.kio.kasten.io",resource="backupactions",scope="cluster",subresource="",verb="LIST",version="v1alpha1"})"));
    BOOST_TEST(contains(metrics, "apiserver_request_duration_seconds_bucket{"));
    BOOST_TEST(contains(metrics, "apiserver_current_inflight_requests 0"));
}

BOOST_AUTO_TEST_CASE(label_selectors_with_each_operator) {
    ApiServer api;
    auto created = api.create(backupAction("a1", "ns", "env: prod, tier: web") + "---\n" +
                              backupAction("a2", "ns", "env: dev") + "---\n" +
                              backupAction("a3", "ns", "tier: db"));
    BOOST_TEST_REQUIRE(created.exitCode == 0, created.err);
    auto select = [&](const std::string& selector) {
        auto result = api.run({"get", "backupactions", "-A", "-o", "name", "-l", selector});
        BOOST_TEST(result.exitCode == 0, selector << ": " << result.err);
        return names(result);
    };
    BOOST_TEST(select("env=prod") == (Names{"a1"}));
    BOOST_TEST(select("env==dev") == (Names{"a2"}));
    BOOST_TEST(select("env!=prod") == (Names{"a2", "a3"}));
    BOOST_TEST(select("env in (prod,dev)") == (Names{"a1", "a2"}));
    BOOST_TEST(select("env notin (prod)") == (Names{"a2", "a3"}));
    BOOST_TEST(select("tier") == (Names{"a1", "a3"}));
    BOOST_TEST(select("!tier") == (Names{"a2"}));
    BOOST_TEST(select("env=prod,tier=web") == (Names{"a1"}));

    auto bad = api.run({"get", "backupactions", "-A", "-l", "env in (prod"});
    BOOST_TEST(bad.exitCode != 0);
    BOOST_TEST(contains(bad.err, "Error from server (BadRequest)"), bad.err);
}

BOOST_AUTO_TEST_CASE(field_selectors_on_state_name_and_namespace) {
    ApiServer api;
    BOOST_TEST_REQUIRE(api.create(backupAction("done", "ns1") + "---\n" +
                                  backupAction("busy", "ns1") + "---\n" +
                                  backupAction("other", "ns2"))
                           .exitCode == 0);
    api.setStatus(std::string(kActions) + "/namespaces/ns1/backupactions/done",
                  R"({"state":"Complete","progress":100})");
    auto complete = api.run(
        {"get", "backupactions", "-A", "-o", "name", "--field-selector", "status.state=Complete"});
    BOOST_TEST(names(complete) == (Names{"done"}), complete.err);
    auto notComplete = api.run(
        {"get", "backupactions", "-A", "-o", "name", "--field-selector", "status.state!=Complete"});
    BOOST_TEST(names(notComplete) == (Names{"busy", "other"}), notComplete.err);
    auto byNamespace = api.run(
        {"get", "backupactions", "-A", "-o", "name", "--field-selector", "metadata.namespace=ns2"});
    BOOST_TEST(names(byNamespace) == (Names{"other"}), byNamespace.err);
    auto byName = api.run(
        {"get", "backupactions", "-A", "-o", "name", "--field-selector", "metadata.name=busy"});
    BOOST_TEST(names(byName) == (Names{"busy"}), byName.err);

    auto unknown = api.run({"get", "backupactions", "-A", "--field-selector", "spec.profile=x"});
    BOOST_TEST(unknown.exitCode != 0);
    BOOST_TEST(contains(unknown.err, "Error from server (BadRequest)"), unknown.err);
    BOOST_TEST(contains(unknown.err, "\"spec.profile\" is not a known field selector"));
}

BOOST_AUTO_TEST_CASE(chunk_size_pages_through_every_object) {
    ApiServer api;
    std::string yaml;
    for (int i = 1; i <= 5; ++i) {
        yaml += backupAction("c" + std::to_string(i), i % 2 ? "odd" : "even") + "---\n";
    }
    BOOST_TEST_REQUIRE(api.create(yaml).exitCode == 0);
    auto paged = api.run({"get", "backupactions", "-A", "--chunk-size=2", "-v=6"});
    BOOST_TEST_REQUIRE(paged.exitCode == 0, paged.err);
    BOOST_TEST(lines(paged.out).size() == 6u, paged.out);  // header and five rows
    for (const auto* name : {"c1", "c2", "c3", "c4", "c5"}) {
        BOOST_TEST(contains(paged.out, name), name);
    }
    // Three pages: the first and two continuations.
    std::size_t requests = 0;
    std::size_t continuations = 0;
    for (const auto& line : lines(paged.err)) {
        if (contains(line, "/backupactions?") && contains(line, "limit=2")) {
            ++requests;
            continuations += contains(line, "continue=") ? 1 : 0;
        }
    }
    BOOST_TEST(requests == 3u, paged.err);
    BOOST_TEST(continuations == 2u);
}

BOOST_AUTO_TEST_CASE(server_side_dry_run_stores_nothing) {
    ApiServer api;
    auto dry = api.create(backupAction("dry", "ns"), {"--dry-run=server"});
    BOOST_TEST_REQUIRE(dry.exitCode == 0, dry.err);
    BOOST_TEST(contains(dry.out, "created (server dry run)"), dry.out);
    auto get = api.run({"get", "backupaction", "dry", "-n", "ns"});
    BOOST_TEST(get.exitCode != 0);
    BOOST_TEST(contains(get.err, "NotFound"), get.err);
}

BOOST_AUTO_TEST_CASE(create_with_validation_refuses_invalid_objects) {
    ApiServer api;
    // No subject: the server's validation names the field.
    auto missing = api.create(
        "apiVersion: actions.kio.kasten.io/v1alpha1\nkind: BackupAction\n"
        "metadata: {name: x, namespace: ns}\nspec: {}\n");
    BOOST_TEST(missing.exitCode != 0);
    BOOST_TEST(contains(missing.err, "spec.subject"), missing.err);
    auto badName = api.create(backupAction("Not_A_Name", "ns"));
    BOOST_TEST(badName.exitCode != 0);
    BOOST_TEST(contains(badName.err, "metadata.name"), badName.err);
    // A field the kind does not have: refused by kubectl's validation
    // against the OpenAPI v2 (before 1.27) or by the server's strict field
    // validation (from 1.27).
    auto unknown = api.create(backupAction("u", "ns") + "frobnicate: true\n");
    BOOST_TEST(unknown.exitCode != 0);
    BOOST_TEST(contains(unknown.err, "unknown field \"frobnicate\""), unknown.err);
    BOOST_TEST(api.run({"get", "backupactions", "-A", "-o", "name"}).out.empty());
}

BOOST_AUTO_TEST_CASE(delete_one_and_delete_all) {
    ApiServer api;
    BOOST_TEST_REQUIRE(api.create(backupAction("d1", "ns") + "---\n" + backupAction("d2", "ns") +
                                  "---\n" + backupAction("d3", "ns") + "---\n" +
                                  backupAction("keep", "elsewhere"))
                           .exitCode == 0);
    auto one = api.run({"delete", "backupaction", "d1", "-n", "ns"});
    BOOST_TEST(one.exitCode == 0, one.err);
    BOOST_TEST(contains(one.out, "\"d1\" deleted"), one.out);
    auto all = api.run({"delete", "backupactions", "--all", "-n", "ns"});
    BOOST_TEST(all.exitCode == 0, all.err);
    BOOST_TEST((contains(all.out, "\"d2\" deleted") && contains(all.out, "\"d3\" deleted")),
               all.out);
    BOOST_TEST(names(api.run({"get", "backupactions", "-A", "-o", "name"})) == (Names{"keep"}));
    auto gone = api.run({"delete", "backupaction", "d1", "-n", "ns"});
    BOOST_TEST(contains(gone.err, "Error from server (NotFound)"), gone.err);
}

BOOST_AUTO_TEST_CASE(label_and_annotate_change_metadata_but_spec_is_immutable) {
    ApiServer api;
    BOOST_TEST_REQUIRE(api.create(backupAction("m", "ns")).exitCode == 0);
    auto label = api.run({"label", "backupaction", "m", "-n", "ns", "env=prod"});
    BOOST_TEST(label.exitCode == 0, label.err);
    BOOST_TEST(contains(label.out, "labeled"));
    auto annotate = api.run({"annotate", "backupaction", "m", "-n", "ns", "note=hello"});
    BOOST_TEST(annotate.exitCode == 0, annotate.err);
    auto labels = api.run({"get", "backupaction", "m", "-n", "ns", "-o",
                           "jsonpath={.metadata.labels.env} {.metadata.annotations.note}"});
    BOOST_TEST(labels.out == "prod hello");
    auto relabel = api.run({"label", "backupaction", "m", "-n", "ns", "env=dev", "--overwrite",
                            "--resource-version=1"});
    BOOST_TEST(relabel.exitCode != 0);
    BOOST_TEST(contains(relabel.err, "Error from server (Conflict)"), relabel.err);
    auto unlabel = api.run({"label", "backupaction", "m", "-n", "ns", "env-"});
    BOOST_TEST(unlabel.exitCode == 0, unlabel.err);

    auto spec = api.run({"patch", "backupaction", "m", "-n", "ns", "--type", "merge", "-p",
                         R"({"spec":{"subject":{"name":"other"}}})"});
    BOOST_TEST(spec.exitCode != 0);
    BOOST_TEST(contains(spec.err, "field is immutable"), spec.err);
    BOOST_TEST(contains(spec.err, "is invalid"));
    auto status = api.run({"patch", "backupaction", "m", "-n", "ns", "--type", "merge", "-p",
                           R"({"status":{"state":"Complete"}})"});
    BOOST_TEST(status.exitCode == 0,
               status.err);  // status is not changed through the main resource
    BOOST_TEST(api.run({"get", "backupaction", "m", "-n", "ns", "-o",
                        "jsonpath={.status.state} {.spec.subject.name}"})
                   .out == "Pending ns");
}

BOOST_AUTO_TEST_CASE(watch_sees_added_then_modified) {
    ApiServer api;
    BOOST_TEST_REQUIRE(api.create(backupAction("w", "ns")).exitCode == 0);
    KubectlChild watch(api.kubectl,
                       {"get", "backupactions", "-n", "ns", "-w", "--output-watch-events"});
    auto header = watch.readLine(20s);
    BOOST_TEST_REQUIRE(header.has_value(), "no output from kubectl get -w");
    BOOST_TEST(contains(*header, "EVENT"), *header);
    auto added = watch.readLine(20s);
    BOOST_TEST_REQUIRE(added.has_value());
    BOOST_TEST((contains(*added, "ADDED") && contains(*added, "Pending")), *added);
    api.setStatus(std::string(kActions) + "/namespaces/ns/backupactions/w",
                  R"({"state":"Running","progress":30})");
    auto modified = watch.readLine(20s);
    BOOST_TEST_REQUIRE(modified.has_value(), watch.output());
    BOOST_TEST((contains(*modified, "MODIFIED") && contains(*modified, "Running") &&
                contains(*modified, "30")),
               *modified);
}

BOOST_AUTO_TEST_CASE(wait_for_state_returns_when_the_action_completes) {
    ApiServer api;
    if (api.kubectl.minor() < 23) {
        // kubectl 1.20 has no wait --for=jsonpath; its --for=delete goes
        // through the same list and watch by name.
        BOOST_TEST_MESSAGE("kubectl 1.20 has no wait --for=jsonpath: waiting for a delete instead");
        BOOST_TEST_REQUIRE(api.create(backupAction("doomed", "ns")).exitCode == 0);
        KubectlChild wait(api.kubectl, {"wait", "backupaction/doomed", "-n", "ns", "--for=delete",
                                        "--timeout=60s"});
        BOOST_TEST(!wait.wait(200ms).has_value());  // still waiting: the action exists
        BOOST_TEST(
            api.run({"delete", "backupaction", "doomed", "-n", "ns", "--wait=false"}).exitCode ==
            0);
        auto code = wait.wait(30s);
        BOOST_TEST_REQUIRE(code.has_value(), "kubectl wait did not return");
        BOOST_TEST(*code == 0, wait.output());
        return;
    }
    BOOST_TEST_REQUIRE(api.create(backupAction("slow", "ns")).exitCode == 0);
    KubectlChild wait(api.kubectl, {"wait", "backupaction/slow", "-n", "ns",
                                    "--for=jsonpath={.status.state}=Complete", "--timeout=60s"});
    BOOST_TEST(!wait.wait(200ms).has_value());  // still waiting: the action is Pending
    api.setStatus(std::string(kActions) + "/namespaces/ns/backupactions/slow",
                  R"({"state":"Complete","progress":100})");
    auto code = wait.wait(30s);
    BOOST_TEST_REQUIRE(code.has_value(), "kubectl wait did not return");
    BOOST_TEST(*code == 0);
    BOOST_TEST(contains(wait.output(), "condition met"), wait.output());
}

BOOST_AUTO_TEST_CASE(explain_shows_the_kinds_fields) {
    ApiServer api;
    if (api.kubectl.minor() < 27) {
        // From the protobuf OpenAPI v2, where spec keeps unknown fields and
        // so lists none (as kube-apiserver publishes such schemas there).
        auto explain = api.run({"explain", "backupaction"});
        BOOST_TEST_REQUIRE(explain.exitCode == 0, explain.err);
        BOOST_TEST((contains(explain.out, "KIND:") && contains(explain.out, "BackupAction")));
        BOOST_TEST((contains(explain.out, "spec") && contains(explain.out, "status")), explain.out);
        return;
    }
    auto explain = api.run({"explain", "backupaction.spec"});
    BOOST_TEST_REQUIRE(explain.exitCode == 0, explain.err);
    BOOST_TEST((contains(explain.out, "KIND:") && contains(explain.out, "BackupAction")));
    BOOST_TEST(contains(explain.out, "subject"), explain.out);
    BOOST_TEST(contains(explain.out, "expiresAt"));
}

BOOST_AUTO_TEST_CASE(details_only_through_the_details_subresource) {
    ApiServer api;
    BOOST_TEST_REQUIRE(api.create(backupAction("x", "ns")).exitCode == 0);
    api.setStatus(std::string(kActions) + "/namespaces/ns/backupactions/x",
                  R"({"state":"Running","actionDetails":{"phases":[{"name":"Snapshot"}]}})");
    auto plain = api.run({"get", "backupaction", "x", "-n", "ns", "-o", "json"});
    BOOST_TEST(!contains(plain.out, "actionDetails"), plain.out);
    BOOST_TEST(contains(plain.out, "Running"));
    auto details =
        api.run({"get", "--raw", std::string(kActions) + "/namespaces/ns/backupactions/x/details"});
    BOOST_TEST_REQUIRE(details.exitCode == 0, details.err);
    BOOST_TEST(contains(details.out, R"("actionDetails":{"phases":[{"name":"Snapshot"}]})"),
               details.out);
}

BOOST_AUTO_TEST_CASE(cancel_action_cancels_a_running_action) {
    ApiServer api;
    BOOST_TEST_REQUIRE(api.create(backupAction("run", "ns")).exitCode == 0);
    api.setStatus(std::string(kActions) + "/namespaces/ns/backupactions/run",
                  R"({"state":"Running"})");
    auto cancel = api.create(
        "apiVersion: actions.kio.kasten.io/v1alpha1\nkind: CancelAction\n"
        "metadata: {generateName: cancel-, namespace: ns}\n"
        "spec: {subject: {kind: BackupAction, name: run, namespace: ns}}\n");
    BOOST_TEST_REQUIRE(cancel.exitCode == 0, cancel.err);
    BOOST_TEST(contains(cancel.out, "cancelaction.actions.kio.kasten.io/cancel-"), cancel.out);
    BOOST_TEST(
        api.run({"get", "backupaction", "run", "-n", "ns", "-o", "jsonpath={.status.state}"}).out ==
        "Cancelled");
    auto missing = api.create(
        "apiVersion: actions.kio.kasten.io/v1alpha1\nkind: CancelAction\n"
        "metadata: {name: c2, namespace: ns}\n"
        "spec: {subject: {kind: BackupAction, name: nothing, namespace: ns}}\n");
    BOOST_TEST(missing.exitCode != 0);
    BOOST_TEST(contains(missing.err, "Error from server (NotFound)"), missing.err);
}

BOOST_AUTO_TEST_CASE(deleting_restore_point_content_retires_it) {
    ApiServer api;
    auto created = api.create(
        "apiVersion: apps.kio.kasten.io/v1alpha1\nkind: RestorePointContent\n"
        "metadata: {name: rpc-1, labels: {k10.kasten.io/appName: mysql}}\n"
        "status: {state: Unbound}\n"
        "---\n"
        "apiVersion: apps.kio.kasten.io/v1alpha1\nkind: RestorePoint\n"
        "metadata: {name: rp-1, namespace: mysql}\n"
        "spec: {restorePointContentRef: {name: rpc-1}}\n");
    BOOST_TEST_REQUIRE(created.exitCode == 0, created.err);
    BOOST_TEST(api.run({"get", "restorepointcontent", "rpc-1", "-o",
                        "jsonpath={.status.state} {.status.restorePointRef.name}"})
                   .out == "Bound rp-1");
    auto deleted = api.run({"delete", "restorepointcontent", "rpc-1"});
    BOOST_TEST_REQUIRE(deleted.exitCode == 0, deleted.err);
    BOOST_TEST(api.run({"get", "restorepoints", "-A", "-o", "name"}).out.empty());
    auto retire = api.run({"get", "retireactions", "-o",
                           "jsonpath={.items[*].status.state} "
                           "{.items[*].metadata.labels.k10\\.kasten\\.io/appName}"});
    BOOST_TEST(retire.out == "Pending mysql", retire.err);
}

BOOST_AUTO_TEST_CASE(without_the_catalog_resources_are_unavailable_but_discovery_works) {
    ApiServer api("metrics, aggregatedapi");
    auto get = api.run({"get", "backupactions", "-A"});
    BOOST_TEST(get.exitCode != 0);
    BOOST_TEST(contains(get.err,
                        "Error from server (ServiceUnavailable): the server is currently "
                        "unable to handle the request"),
               get.err);
    auto resources = api.run({"api-resources"});
    BOOST_TEST(resources.exitCode == 0, resources.err);
    BOOST_TEST(contains(resources.out, "backupactions"));
}

BOOST_AUTO_TEST_SUITE_END()
