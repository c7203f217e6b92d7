#include "CoreConfig.h"

#include <kiod/ConfigSection.h>
#include <kiod/Errors.h>

#include <Poco/AutoPtr.h>
#include <Poco/Util/IniFileConfiguration.h>
#include <Poco/Util/LayeredConfiguration.h>
#include <Poco/Util/MapConfiguration.h>
#include <boost/test/unit_test.hpp>

#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

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

// A listener, and one that serves anyone (as every listener must say, or
// name who may use it).
const std::string kListener = "[listener.api]\naddress = 127.0.0.1:0\n";
const std::string kMinimal = kListener + "auth.open = true\n";

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
        "[listener.metrics]\naddress = :9090\nthreads = 8\nauth.open = true\n" +
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
        kListener + "auth.subjectaccessreview = true\nauth.tokenreview = true\n";
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

BOOST_AUTO_TEST_CASE(a_listener_says_who_may_use_it_or_that_anyone_may) {
    expectErrorNaming(kListener,
                      "listener.api.auth.rules_file: required (or auth.subjectaccessreview): who "
                      "may use this listener; auth.open = true serves anyone who reaches it "
                      "instead");
    expectErrorNaming(kMinimal +
                          "auth.subjectaccessreview = true\n"
                          "auth.tokenreview = true\nauth.kubernetes.url = https://x\n",
                      "listener.api.auth.open: cannot be combined with "
                      "listener.api.auth.subjectaccessreview");
    BOOST_TEST(read(kMinimal).listeners[0].auth.enabled() == false);
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

BOOST_AUTO_TEST_CASE(sizes_accept_units) {
    auto config = ini("[s]\na = 512\nb = 64KiB\nc = 8MiB\nd = 1GiB\ne = 8MB\nf = 2KiB\n");
    kiod::EffectiveConfiguration effective;
    kiod::ConfigSection section(*config, "s", effective);
    auto get = [&](const char* key) { return section.getSize(key, 0, 0, 1ULL << 30); };
    BOOST_TEST(get("a") == 512u);
    BOOST_TEST(get("b") == 64u * 1024);
    BOOST_TEST(get("c") == 8u * 1024 * 1024);
    BOOST_TEST(get("d") == 1u << 30);
    BOOST_CHECK_EXCEPTION(get("e"), kiod::ConfigError, [](const auto& e) {
        return std::string(e.what()) ==
               "s.e: '8MB' is not a size from 0 to 1GiB (write it as 512KiB, 8MiB or in bytes)";
    });
    BOOST_CHECK_THROW(section.getSize("f", 0, 4096, 8192), kiod::ConfigError);
    BOOST_TEST(section.getSize("default", 3 * 1024 * 1024, 0, 1ULL << 30) == 3u * 1024 * 1024);
    BOOST_TEST(effective.toIni().find("default = 3MiB\n") != std::string::npos, effective.toIni());
    BOOST_TEST(kiod::sizeText(1536) == "1536");
}

BOOST_AUTO_TEST_CASE(request_limits_have_defaults_and_can_be_set) {
    auto defaults = read(kMinimal).listeners[0];
    BOOST_TEST(defaults.limits.maxHeaderBytes == 64u * 1024);
    BOOST_TEST(defaults.limits.maxUrlBytes == 16u * 1024);
    BOOST_TEST(defaults.limits.maxBodyBytes == 8u * 1024 * 1024);
    BOOST_TEST(defaults.maxRequests == 400);
    BOOST_TEST(defaults.readTimeout.count() == 30'000);

    auto set = read(kMinimal +
                    "max_header_size = 8KiB\nmax_url_size = 4KiB\nmax_body_size = 1MiB\n"
                    "max_requests = 10\nread_timeout = 5s\n")
                   .listeners[0];
    BOOST_TEST(set.limits.maxHeaderBytes == 8u * 1024);
    BOOST_TEST(set.limits.maxUrlBytes == 4u * 1024);
    BOOST_TEST(set.limits.maxBodyBytes == 1024u * 1024);
    BOOST_TEST(set.maxRequests == 10);
    BOOST_TEST(set.readTimeout.count() == 5'000);

    expectErrorNaming(kMinimal + "max_body_size = 2GiB\n", "listener.api.max_body_size");
    expectErrorNaming(kMinimal + "max_header_size = 8KiB\nmax_url_size = 16KiB\n",
                      "listener.api.max_url_size");
    expectErrorNaming(kMinimal + "max_requests = 0\n", "listener.api.max_requests");
    expectErrorNaming(kMinimal + "read_timeout = 0s\n", "listener.api.read_timeout");
}

BOOST_AUTO_TEST_CASE(a_private_key_others_can_read_is_refused_naming_it) {
    // Owned by someone other than root, as kiod's own user would own it.
    char path[] = "/tmp/kiod-key-XXXXXX";
    int fd = mkstemp(path);
    BOOST_REQUIRE(fd >= 0);
    BOOST_REQUIRE(fchown(fd, geteuid() == 0 ? 65534 : geteuid(), -1) == 0);
    close(fd);
    auto config = [&](const char* mode) {
        chmod(path, std::stoi(mode, nullptr, 8));
        return kMinimal + "tls.cert = /etc/hostname\ntls.key = " + path + "\n";
    };
    BOOST_CHECK_NO_THROW(read(config("0600")));
    BOOST_CHECK_NO_THROW(read(config("0400")));
    for (const char* mode : {"0644", "0640", "0604", "0660"}) {
        try {
            read(config(mode));
            BOOST_ERROR(std::string("no ConfigError for mode ") + mode);
        } catch (const kiod::ConfigError& e) {
            BOOST_TEST(std::string(e.what()) == "listener.api.tls.key: '" + std::string(path) +
                                                    "' has mode " + mode + ", which lets " +
                                                    (mode[3] == '0' ? "its group" : "other users") +
                                                    " at the private key; make it 0600 or stricter",
                       e.what());
        }
    }
    // Root's key may be its group's: a Kubernetes Secret mounted with fsGroup.
    if (geteuid() == 0 && chown(path, 0, 0) == 0) {
        BOOST_CHECK_NO_THROW(read(config("0440")));
        BOOST_CHECK_NO_THROW(read(config("0640")));
        BOOST_CHECK_THROW(read(config("0644")), kiod::ConfigError);
        BOOST_CHECK_THROW(read(config("0660")), kiod::ConfigError);
    }
    unlink(path);
}

BOOST_AUTO_TEST_SUITE_END()
