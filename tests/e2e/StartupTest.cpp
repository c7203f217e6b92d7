// Start-up as an operator meets it: bad configurations and missing modules
// stop kiod with a message that names the problem, and the command-line
// options do what --help says.
#include "HttpClient.h"
#include "KiodProcess.h"
#include "TextContains.h"

#include <Poco/Net/ServerSocket.h>
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <sys/stat.h>

using namespace kiod::test;

namespace {

// Writes `config` and runs kiod on it to completion.
RunResult runWithConfig(const TempDir& dir, const std::string& config,
                        std::vector<std::string> args = {}) {
    dir.write("kiod.ini", config);
    args.insert(args.begin(), {"--config", dir.file("kiod.ini")});
    return runKiod(args);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(startup)

// A module that takes long to initialize (a catalog migrating a large file)
// must not fail kiod's liveness probe: listeners answer health at once,
// readiness names the module not running yet, and other paths answer 503
// until the modules have initialized.
BOOST_AUTO_TEST_CASE(health_answers_while_modules_initialize) {
    TempDir dir;
    auto gate = dir.file("gate");
    BOOST_REQUIRE(mkfifo(gate.c_str(), 0600) == 0);
    KiodProcess kiod(
        dir, baseConfig(dir, "metrics, probe") + "[probe]\ninitialize_after = " + gate + "\n", {},
        KiodProcess::Until::kListening);
    auto api = kiod.url("api");
    BOOST_TEST(get(api, "/livez").status == 200);
    auto ready = get(api, "/readyz?verbose");
    BOOST_TEST(ready.status == 500);
    BOOST_TEST(ready.body.find("[-]probe failed") != std::string::npos, ready.body);
    auto early = get(api, "/probe");
    BOOST_TEST(early.status == 503);
    BOOST_TEST(early.body.find("kiod is starting") != std::string::npos, early.body);

    std::ofstream(gate) << "go";  // the module's initialize returns
    BOOST_REQUIRE(kiod.waitForNotify("READY=1", std::chrono::seconds(20)));
    BOOST_TEST(get(api, "/readyz").status == 200);
    auto served = get(api, "/probe");
    BOOST_TEST(served.status == 200);
    BOOST_TEST(served.body == "present");
}

BOOST_AUTO_TEST_CASE(unknown_module_name_stops_start_up_naming_it) {
    TempDir dir;
    auto result = runWithConfig(dir, baseConfig(dir, "metrics, frobnicator"));
    BOOST_TEST(result.exitCode != 0);
    BOOST_TEST(contains(result.err, "module frobnicator: libkiod_frobnicator.so not found"),
               result.err);
}

BOOST_AUTO_TEST_CASE(missing_module_library_stops_start_up_naming_the_path_searched) {
    TempDir dir;
    auto result =
        runWithConfig(dir, baseConfig(dir), {"--set", "kiod.module_path=" + dir.file("empty")});
    BOOST_TEST(result.exitCode != 0);
    BOOST_TEST(
        contains(result.err, "module metrics: libkiod_metrics.so not found in module_path (" +
                                 dir.file("empty") + ")"),
        result.err);
}

BOOST_AUTO_TEST_CASE(library_without_manifest_is_refused) {
    TempDir dir;
    auto result = runWithConfig(dir, baseConfig(dir, "nomanifest"));
    BOOST_TEST(result.exitCode != 0);
    BOOST_TEST(contains(result.err, "module nomanifest: cannot load"), result.err);
    BOOST_TEST(contains(result.err, "No manifest"), result.err);
}

BOOST_AUTO_TEST_CASE(bad_value_exits_78_naming_the_key) {
    TempDir dir;
    auto result = runWithConfig(dir, baseConfig(dir) + "[metrics]\nlistener = nowhere\n");
    BOOST_TEST(result.exitCode == 78);
    BOOST_TEST(contains(result.err, "metrics.listener: no listener named 'nowhere'"), result.err);

    result = runWithConfig(dir, baseConfig(dir), {"--set", "listener.api.threads=lots"});
    BOOST_TEST(result.exitCode == 78);
    BOOST_TEST(contains(result.err, "listener.api.threads: 'lots' is not a whole number"),
               result.err);
}

BOOST_AUTO_TEST_CASE(address_in_use_stops_start_up_naming_the_address) {
    Poco::Net::ServerSocket taken(Poco::Net::SocketAddress("127.0.0.1", 0));
    std::string address = taken.address().toString();
    TempDir dir;
    auto result = runWithConfig(dir, baseConfig(dir), {"--set", "listener.api.address=" + address});
    BOOST_TEST(result.exitCode != 0);
    BOOST_TEST(contains(result.err, "listener api (" + address + "): cannot listen"), result.err);
}

BOOST_AUTO_TEST_CASE(unreadable_config_file_is_named) {
    auto result = runKiod({"--config", "/nonexistent/kiod.ini"});
    BOOST_TEST(result.exitCode == 78);
    BOOST_TEST(contains(result.err, "--config /nonexistent/kiod.ini: cannot read"), result.err);
}

BOOST_AUTO_TEST_CASE(unknown_option_is_a_usage_error) {
    auto result = runKiod({"--frobnicate"});
    BOOST_TEST(result.exitCode == 64);
    BOOST_TEST(contains(result.err, "frobnicate"), result.err);
}

BOOST_AUTO_TEST_CASE(check_config_prints_the_effective_configuration_with_overrides) {
    TempDir dir;
    auto result =
        runWithConfig(dir, baseConfig(dir), {"--set", "listener.api.threads=64", "--check-config"});
    BOOST_TEST(result.exitCode == 0, result.err);
    BOOST_TEST(contains(result.out, "[listener.api]\naddress = 127.0.0.1:0\n"), result.out);
    BOOST_TEST(contains(result.out, "\nthreads = 64\n"), result.out);  // from --set
    BOOST_TEST(contains(result.out, "max_queued = 1024"));             // a default, shown
    BOOST_TEST(contains(result.out, "[metrics]\nlistener = metrics\npath = /metrics\n"));
    BOOST_TEST(!std::filesystem::exists(dir.file("var")));  // checking writes nothing
}

BOOST_AUTO_TEST_CASE(set_keys_match_in_any_case_like_the_file) {
    TempDir dir;
    auto result =
        runWithConfig(dir, baseConfig(dir), {"--set", "Listener.API.Threads=64", "--check-config"});
    BOOST_TEST(result.exitCode == 0, result.err);
    BOOST_TEST(contains(result.out, "\nthreads = 64\n"), result.out);
}

BOOST_AUTO_TEST_CASE(a_section_nobody_reads_is_warned_about) {
    TempDir dir;
    auto result =
        runWithConfig(dir, baseConfig(dir) + "[listner.extra]\naddress = :1\n", {"--check-config"});
    BOOST_TEST(result.exitCode == 0, result.err);
    BOOST_TEST(contains(result.err, "configuration section [listner] is not read"), result.err);
}

BOOST_AUTO_TEST_CASE(check_config_fails_on_a_bad_module_section) {
    TempDir dir;
    auto result =
        runWithConfig(dir, baseConfig(dir) + "[metrics]\npaht = /m\n", {"--check-config"});
    BOOST_TEST(result.exitCode == 78);
    BOOST_TEST(contains(result.err, "metrics.paht: unknown key"), result.err);
}

BOOST_AUTO_TEST_CASE(set_overrides_the_file_in_a_running_kiod) {
    TempDir dir;
    // The file's metrics path is overridden on the command line.
    KiodProcess kiod(dir, baseConfig(dir) + "[metrics]\npath = /from-file\n",
                     {"--set", "metrics.path=/from-command-line"});
    BOOST_TEST(get(kiod.url("metrics"), "/from-command-line").status == 200);
    BOOST_TEST(get(kiod.url("metrics"), "/from-file").status == 404);
}

BOOST_AUTO_TEST_CASE(version_and_help) {
    auto version = runKiod({"--version"});
    BOOST_TEST(version.exitCode == 0);
    BOOST_TEST(contains(version.out, "kiod "), version.out);
    auto help = runKiod({"--help"});
    BOOST_TEST(help.exitCode == 0);
    BOOST_TEST(contains(help.out, "--check-config"), help.out);
}

BOOST_AUTO_TEST_SUITE_END()
