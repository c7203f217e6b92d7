#include "CoreConfig.h"

#include <kiod/ConfigSection.h>
#include <kiod/Errors.h>

#include <Poco/AutoPtr.h>
#include <Poco/Util/IniFileConfiguration.h>
#include <Poco/Util/LayeredConfiguration.h>
#include <Poco/Util/MapConfiguration.h>
#include <boost/test/unit_test.hpp>

#include <sstream>

namespace {

using Poco::AutoPtr;
using Poco::Util::IniFileConfiguration;
using Poco::Util::LayeredConfiguration;
using Poco::Util::MapConfiguration;

AutoPtr<LayeredConfiguration> ini(const std::string& text,
                                  const std::map<std::string, std::string>& overrides = {}) {
    std::istringstream in(text);
    AutoPtr<LayeredConfiguration> config = new LayeredConfiguration;
    config->add(new IniFileConfiguration(in), 0);
    AutoPtr<MapConfiguration> map = new MapConfiguration;
    for (const auto& [key, value] : overrides) {
        map->setString(key, value);
    }
    config->add(map, -100);
    return config;
}

kiod::CoreConfig read(const std::string& text,
                      const std::map<std::string, std::string>& overrides = {}) {
    kiod::EffectiveConfiguration effective;
    return kiod::CoreConfig::read(*ini(text, overrides), effective, "/usr/lib/kiod");
}

// Checks that reading `text` fails with a message that starts with `key`.
void expectErrorNaming(const std::string& text, const std::string& key) {
    try {
        read(text);
        BOOST_ERROR("no ConfigError for " + key);
    } catch (const kiod::ConfigError& e) {
        BOOST_TEST(std::string(e.what()).rfind(key, 0) == 0, e.what());
    }
}

const std::string kMinimal = "[listener.api]\naddress = 127.0.0.1:0\n";

}  // namespace

BOOST_AUTO_TEST_SUITE(config)

BOOST_AUTO_TEST_CASE(defaults_apply_to_absent_keys) {
    auto core = read(kMinimal);
    BOOST_TEST(core.modules.empty());
    BOOST_TEST(core.modulePath == std::vector<std::string>{"/usr/lib/kiod"});
    BOOST_TEST(core.dataDir == "/var/lib/kiod");
    BOOST_TEST(core.shutdownGrace.count() == 30'000);
    BOOST_TEST(core.log.level == "information");
    BOOST_REQUIRE(core.listeners.size() == 1u);
    BOOST_TEST(core.listeners[0].name == "api");
    BOOST_TEST(core.listeners[0].threads == 256);
    BOOST_TEST(!core.listeners[0].tls.enabled());
}

BOOST_AUTO_TEST_CASE(file_values_are_parsed) {
    auto core = read(
        "[kiod]\nmodules = metrics, catalog\nmodule_path = /a:/b\ndata_dir = var\n"
        "shutdown_grace = 1500ms\n"
        "[log]\nlevel = warning\nformat = JSON\n"
        "[listener.metrics]\naddress = :9090\nthreads = 8\n" +
        kMinimal);
    BOOST_TEST(core.modules == (std::vector<std::string>{"metrics", "catalog"}));
    BOOST_TEST(core.modulePath == (std::vector<std::string>{"/a", "/b"}));
    BOOST_TEST(core.dataDir == "var");
    BOOST_TEST(core.shutdownGrace.count() == 1500);
    BOOST_TEST(core.log.level == "warning");
    BOOST_TEST(core.log.format == "json");
    BOOST_REQUIRE(core.listeners.size() == 2u);
    BOOST_TEST(core.listeners[1].name == "metrics");
    BOOST_TEST(core.listeners[1].address.port() == 9090);
    BOOST_TEST(core.listeners[1].threads == 8);
}

BOOST_AUTO_TEST_CASE(overrides_win_over_the_file) {
    auto core = read(kMinimal + "threads = 8\n", {{"listener.api.threads", "16"}});
    BOOST_TEST(core.listeners[0].threads == 16);
}

BOOST_AUTO_TEST_CASE(bad_values_name_their_key) {
    expectErrorNaming(kMinimal + "threads = many\n", "listener.api.threads");
    expectErrorNaming(kMinimal + "threads = 0\n", "listener.api.threads");
    expectErrorNaming("[listener.api]\naddress = nowhere\n", "listener.api.address");
    expectErrorNaming("[listener.api]\nthreads = 4\n", "listener.api.address");
    expectErrorNaming(kMinimal + "tls.cert = /nonexistent.crt\n", "listener.api.tls.cert");
    expectErrorNaming(kMinimal + "tls.auto = perhaps\n", "listener.api.tls.auto");
    expectErrorNaming(kMinimal + "idle_timeout = 10 parsecs\n", "listener.api.idle_timeout");
    expectErrorNaming("[log]\nlevel = loud\n" + kMinimal, "log.level");
    expectErrorNaming("[kiod]\nmodules = metrics metrics\n" + kMinimal, "kiod.modules");
    expectErrorNaming("[kiod]\nmodules = ../evil\n" + kMinimal, "kiod.modules");
    expectErrorNaming("[kiod]\nshutdown_grace = -1s\n" + kMinimal, "kiod.shutdown_grace");
}

BOOST_AUTO_TEST_CASE(unknown_keys_are_refused_by_name) {
    expectErrorNaming(kMinimal + "adress = 127.0.0.1:1\n", "listener.api.adress");
    expectErrorNaming("[kiod]\nmodule = metrics\n" + kMinimal, "kiod.module");
}

BOOST_AUTO_TEST_CASE(at_least_one_listener_is_required) {
    expectErrorNaming("[kiod]\nmodules = metrics\n", "listener");
}

BOOST_AUTO_TEST_CASE(tls_auto_excludes_a_configured_certificate) {
    expectErrorNaming(kMinimal + "tls.auto = true\ntls.cert = /etc/passwd\ntls.key = /etc/passwd\n",
                      "listener.api.tls.auto");
    expectErrorNaming(kMinimal + "tls.cert = /etc/passwd\n", "listener.api.tls.key");
    expectErrorNaming(kMinimal + "tls.client_ca = /etc/passwd\n", "listener.api.tls.client_ca");
}

BOOST_AUTO_TEST_CASE(reviews_need_an_https_kube_apiserver_and_turn_auth_on) {
    const std::string reviews =
        kMinimal + "auth.subjectaccessreview = true\nauth.tokenreview = true\n";
    auto core = read(reviews + "auth.kubernetes.url = https://10.0.0.1:6443\n");
    const auto& auth = core.listeners[0].auth;
    BOOST_TEST(auth.enabled());
    BOOST_TEST(auth.kubernetes.url == "https://10.0.0.1:6443");
    BOOST_TEST(auth.tokenReviewCacheTtl.count() == 10'000);
    BOOST_TEST(auth.subjectAccessReviewDenyTtl.count() == 10'000);
    BOOST_TEST(auth.kubernetes.timeout.count() == 10'000);

    expectErrorNaming(reviews, "listener.api.auth.kubernetes.url: required");
    for (std::string url : {"http://10.0.0.1", "https://10.0.0.1/api", "https://u@10.0.0.1", "x"}) {
        expectErrorNaming(reviews + "auth.kubernetes.url = " + url + "\n",
                          "listener.api.auth.kubernetes.url: '" + url + "' is not https://");
    }
    expectErrorNaming(kMinimal + "auth.kubernetes.url = https://10.0.0.1\n",
                      "listener.api.auth.kubernetes.url: unused without");
    expectErrorNaming(kMinimal + "auth.tokenreview = true\nauth.kubernetes.url = https://x\n",
                      "listener.api.auth.rules_file (or listener.api.auth.subjectaccessreview)");
    expectErrorNaming(
        reviews + "auth.kubernetes.url = https://x\nauth.kubernetes.cert = /etc/passwd\n",
        "listener.api.auth.kubernetes.key: required with listener.api.auth.kubernetes.cert");
}

BOOST_AUTO_TEST_CASE(getters_validate_and_record_the_effective_value) {
    auto config = ini("[metrics]\nlistener = metrics\nflag = yes\nlist = a, b c\n");
    kiod::EffectiveConfiguration effective;
    kiod::ConfigSection section(*config, "metrics", effective, {"api", "metrics"});
    BOOST_TEST(section.getListener("listener", "api") == "metrics");
    BOOST_TEST(section.getBool("flag", false));
    BOOST_TEST(section.getList("list", {}) == (std::vector<std::string>{"a", "b", "c"}));
    BOOST_TEST(section.getString("path", "/metrics") == "/metrics");
    BOOST_TEST(section.getDuration("interval", std::chrono::minutes(2), {}, std::chrono::hours(1))
                   .count() == 120'000);
    BOOST_CHECK_NO_THROW(section.checkNoUnknownKeys());
    BOOST_TEST(effective.toIni() ==
               "[metrics]\nlistener = metrics\nflag = true\nlist = a, b, c\npath = /metrics\n"
               "interval = 120000ms\n");
}

BOOST_AUTO_TEST_CASE(listener_must_be_configured) {
    auto config = ini("[metrics]\nlistener = nope\n");
    kiod::EffectiveConfiguration effective;
    kiod::ConfigSection section(*config, "metrics", effective, {"api"});
    BOOST_CHECK_EXCEPTION(section.getListener("listener", "api"), kiod::ConfigError,
                          [](const auto& e) {
                              return std::string(e.what()) ==
                                     "metrics.listener: no listener named 'nope' (configured: api)";
                          });
}

BOOST_AUTO_TEST_CASE(durations_accept_units) {
    auto config = ini("[s]\na = 250ms\nb = 30s\nc = 5m\nd = 1h\ne = 7\n");
    kiod::EffectiveConfiguration effective;
    kiod::ConfigSection section(*config, "s", effective);
    using std::chrono::milliseconds;
    auto get = [&](const char* key) {
        return section.getDuration(key, milliseconds(0), milliseconds(0), std::chrono::hours(2))
            .count();
    };
    BOOST_TEST(get("a") == 250);
    BOOST_TEST(get("b") == 30'000);
    BOOST_TEST(get("c") == 300'000);
    BOOST_TEST(get("d") == 3'600'000);
    BOOST_TEST(get("e") == 7'000);
}

BOOST_AUTO_TEST_SUITE_END()
