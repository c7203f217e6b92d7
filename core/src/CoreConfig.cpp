#include "CoreConfig.h"

#include "KeyFilePermissions.h"

#include <kiod/Errors.h>

#include <Poco/File.h>
#include <Poco/RegularExpression.h>
#include <Poco/URI.h>
#include <Poco/Util/AbstractConfiguration.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sched.h>
#include <thread>

namespace kiod {

namespace {

// Module and listener names appear in file names, routes and metric labels.
bool isPlainName(const std::string& name) {
    static const Poco::RegularExpression kName("^[a-z][a-z0-9_-]{0,62}$");
    return kName.match(name);
}

// The CPUs this process may run on (taskset, a container's cpuset), which
// can be fewer than the machine has.
int usableCpus() {
    cpu_set_t cpus;
    if (sched_getaffinity(0, sizeof cpus, &cpus) == 0) {
        return std::clamp(CPU_COUNT(&cpus), 1, 64);
    }
    return static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 64u));
}

std::string readableFile(ConfigSection& section, const std::string& key,
                         const std::string& defaultPath = "") {
    auto path = section.getString(key, defaultPath);
    if (!path.empty() && !std::ifstream(path).good()) {
        throw ConfigError(section.fullKey(key) + ": cannot read '" + path + "'");
    }
    return path;
}

// Where Kubernetes mounts a pod's ServiceAccount credentials.
constexpr const char* kServiceAccountDir = "/var/run/secrets/kubernetes.io/serviceaccount/";

// https://HOST:PORT of kube-apiserver from inside a pod, as client-go's
// rest.InClusterConfig finds it.
std::string inClusterUrl(ConfigSection& section) {
    const char* host = std::getenv("KUBERNETES_SERVICE_HOST");
    const char* port = std::getenv("KUBERNETES_SERVICE_PORT");
    if (!host || !*host || !port || !*port) {
        throw ConfigError(section.fullKey("auth.kubernetes.url") +
                          ": in-cluster, but KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT "
                          "are not set (not in a pod?)");
    }
    std::string hostPart = std::string(host).find(':') == std::string::npos
                               ? std::string(host)
                               : "[" + std::string(host) + "]";
    return "https://" + hostPart + ":" + port;
}

KubernetesApiConfig readKubernetesApi(ConfigSection& section) {
    KubernetesApiConfig api;
    auto url = section.getString("auth.kubernetes.url", "");
    if (url.empty()) {
        throw ConfigError(section.fullKey("auth.kubernetes.url") +
                          ": required with auth.tokenreview or auth.subjectaccessreview");
    }
    bool inCluster = url == "in-cluster";
    api.url = inCluster ? inClusterUrl(section) : url;
    try {
        Poco::URI uri(api.url);
        if (uri.getScheme() != "https" || uri.getHost().empty() ||
            (!uri.getPath().empty() && uri.getPath() != "/") || !uri.getRawQuery().empty() ||
            !uri.getUserInfo().empty()) {
            throw Poco::SyntaxException("not https://HOST[:PORT]");
        }
    } catch (const Poco::Exception&) {
        // Bearer tokens go there: never over plain HTTP.
        throw ConfigError(section.fullKey("auth.kubernetes.url") + ": '" + url +
                          "' is not https://HOST[:PORT] or in-cluster");
    }
    std::string serviceAccountDir = inCluster ? kServiceAccountDir : "";
    api.caFile =
        readableFile(section, "auth.kubernetes.ca", inCluster ? serviceAccountDir + "ca.crt" : "");
    api.certFile = readableFile(section, "auth.kubernetes.cert");
    api.keyFile = readableFile(section, "auth.kubernetes.key");
    if (api.certFile.empty() != api.keyFile.empty()) {
        throw ConfigError(
            section.fullKey(api.certFile.empty() ? "auth.kubernetes.cert" : "auth.kubernetes.key") +
            ": required with " +
            section.fullKey(api.certFile.empty() ? "auth.kubernetes.key" : "auth.kubernetes.cert"));
    }
    api.tokenFile =
        readableFile(section, "auth.kubernetes.token_file",
                     inCluster && api.certFile.empty() ? serviceAccountDir + "token" : "");
    api.timeout = section.getDuration("auth.kubernetes.timeout", api.timeout,
                                      std::chrono::milliseconds(100), std::chrono::minutes(5));
    return api;
}

AuthConfig readAuth(ConfigSection& section, const TlsConfig& tls) {
    AuthConfig auth;
    auth.rulesFile = readableFile(section, "auth.rules_file");
    auth.anonymousPaths = section.getList("auth.anonymous_paths", {});
    auth.tokenFile = readableFile(section, "auth.token_file");
    auth.requestHeaderCaFile = readableFile(section, "auth.requestheader.client_ca");
    auth.requestHeaderAllowedNames = section.getList("auth.requestheader.allowed_names", {});
    const auto zero = std::chrono::milliseconds(0);
    const auto hour = std::chrono::hours(1);
    auth.tokenReview = section.getBool("auth.tokenreview", false);
    auth.tokenReviewCacheTtl =
        section.getDuration("auth.tokenreview.cache_ttl", auth.tokenReviewCacheTtl, zero, hour);
    auth.tokenReviewAudiences = section.getList("auth.tokenreview.audiences", {});
    auth.subjectAccessReview = section.getBool("auth.subjectaccessreview", false);
    auth.subjectAccessReviewAllowTtl = section.getDuration(
        "auth.subjectaccessreview.allow_cache_ttl", auth.subjectAccessReviewAllowTtl, zero, hour);
    auth.subjectAccessReviewDenyTtl = section.getDuration(
        "auth.subjectaccessreview.deny_cache_ttl", auth.subjectAccessReviewDenyTtl, zero, hour);
    if (auth.asksKubernetes()) {
        auth.kubernetes = readKubernetesApi(section);
    } else {
        for (const char* key :
             {"auth.kubernetes.url", "auth.kubernetes.ca", "auth.kubernetes.token_file",
              "auth.kubernetes.cert", "auth.kubernetes.key", "auth.kubernetes.timeout"}) {
            if (section.has(key)) {
                throw ConfigError(section.fullKey(key) +
                                  ": unused without auth.tokenreview or auth.subjectaccessreview");
            }
        }
    }

    for (const auto& path : auth.anonymousPaths) {
        if (path.front() != '/') {
            throw ConfigError(section.fullKey("auth.anonymous_paths") + ": '" + path +
                              "' is not a path (/livez, or /readyz* for a prefix)");
        }
    }
    if (!auth.requestHeaderAllowedNames.empty() && auth.requestHeaderCaFile.empty()) {
        throw ConfigError(section.fullKey("auth.requestheader.allowed_names") + ": requires " +
                          section.fullKey("auth.requestheader.client_ca"));
    }
    if (!auth.requestHeaderCaFile.empty() && !tls.enabled()) {
        throw ConfigError(section.fullKey("auth.requestheader.client_ca") +
                          ": needs TLS (tls.cert and tls.key, or tls.auto)");
    }
    // Without rules every request would be denied; a listener meant to be
    // protected must not silently come up open either.
    auto requireAuthorization = [&](bool given, const std::string& key) {
        if (given && !auth.enabled()) {
            throw ConfigError(section.fullKey("auth.rules_file") + " (or " +
                              section.fullKey("auth.subjectaccessreview") + "): required with " +
                              section.fullKey(key));
        }
    };
    for (const char* key :
         {"auth.anonymous_paths", "auth.token_file", "auth.requestheader.client_ca"}) {
        requireAuthorization(section.has(key), key);
    }
    requireAuthorization(auth.tokenReview, "auth.tokenreview");
    // A listener answers anyone only when its configuration says so in as
    // many words: a forgotten rules file must not leave the catalog and
    // the keys open.
    bool open = section.getBool("auth.open", false);
    if (open && auth.enabled()) {
        throw ConfigError(section.fullKey("auth.open") + ": cannot be combined with " +
                          section.fullKey(auth.rulesFile.empty() ? "auth.subjectaccessreview"
                                                                 : "auth.rules_file"));
    }
    if (!open && !auth.enabled()) {
        throw ConfigError(section.fullKey("auth.rules_file") +
                          ": required (or auth.subjectaccessreview): who may use this listener; "
                          "auth.open = true serves anyone who reaches it instead");
    }
    if (auth.enabled() && auth.tokenFile.empty() && tls.clientCaFile.empty() &&
        auth.requestHeaderCaFile.empty() && !auth.tokenReview) {
        throw ConfigError(section.fullKey(auth.rulesFile.empty() ? "auth.subjectaccessreview"
                                                                 : "auth.rules_file") +
                          ": nobody can authenticate on this listener: set auth.token_file, "
                          "auth.tokenreview, tls.client_ca or auth.requestheader.client_ca");
    }
    return auth;
}

ListenerConfig readListener(const Poco::Util::AbstractConfiguration& config,
                            EffectiveConfiguration& effective, const std::string& name) {
    ConfigSection section(config, "listener." + name, effective);
    ListenerConfig listener;
    listener.name = name;
    auto address = section.requireString("address");
    try {
        // ":8080" means every interface, as in Go and nginx.
        listener.address =
            Poco::Net::SocketAddress(address.front() == ':' ? "0.0.0.0" + address : address);
    } catch (const Poco::Exception& e) {
        throw ConfigError(section.fullKey("address") + ": '" + address + "' is not HOST:PORT (" +
                          e.message() + ")");
    }
    listener.ioThreads = section.getInt("io_threads", usableCpus(), 1, 64);
    listener.threads = section.getInt("threads", listener.threads, 1, 10'000);
    listener.computeThreads = section.getInt("compute_threads", usableCpus(), 1, 1024);
    listener.maxQueued = section.getInt("max_queued", listener.maxQueued, 0, 100'000);
    listener.idleTimeout =
        section.getDuration("idle_timeout", listener.idleTimeout, std::chrono::milliseconds(100),
                            std::chrono::hours(1));
    listener.keepAliveTimeout =
        section.getDuration("keep_alive_timeout", listener.keepAliveTimeout,
                            std::chrono::milliseconds(100), std::chrono::hours(1));
    listener.readTimeout =
        section.getDuration("read_timeout", listener.readTimeout, std::chrono::milliseconds(100),
                            std::chrono::hours(1));
    listener.maxRequests = section.getInt("max_requests", listener.maxRequests, 1, 1'000'000);
    auto& limits = listener.limits;
    limits.maxHeaderBytes =
        section.getSize("max_header_size", limits.maxHeaderBytes, 1024, 1024 * 1024);
    limits.maxUrlBytes =
        section.getSize("max_url_size", limits.maxUrlBytes, 256, limits.maxHeaderBytes);
    limits.maxBodyBytes =
        section.getSize("max_body_size", limits.maxBodyBytes, 0, 1024 * 1024 * 1024);
    listener.tls.certFile = readableFile(section, "tls.cert");
    listener.tls.keyFile = readableFile(section, "tls.key");
    listener.tls.clientCaFile = readableFile(section, "tls.client_ca");
    listener.tls.autoGenerate = section.getBool("tls.auto", false);
    if (listener.tls.certFile.empty() != listener.tls.keyFile.empty()) {
        throw ConfigError(section.fullKey(listener.tls.certFile.empty() ? "tls.cert" : "tls.key") +
                          ": required with " +
                          section.fullKey(listener.tls.certFile.empty() ? "tls.key" : "tls.cert"));
    }
    if (listener.tls.autoGenerate && !listener.tls.certFile.empty()) {
        throw ConfigError(section.fullKey("tls.auto") + ": cannot be combined with " +
                          section.fullKey("tls.cert"));
    }
    if (!listener.tls.clientCaFile.empty() && !listener.tls.enabled()) {
        throw ConfigError(section.fullKey("tls.client_ca") +
                          ": needs TLS (tls.cert and tls.key, or tls.auto)");
    }
    if (auto exposure = keyFileExposure(listener.tls.keyFile); !exposure.empty()) {
        throw ConfigError(section.fullKey("tls.key") + ": " + exposure);
    }
    listener.auth = readAuth(section, listener.tls);
    section.checkNoUnknownKeys();
    return listener;
}

}  // namespace

std::vector<std::string> ListenerConfig::trustedClientCas() const {
    std::vector<std::string> files;
    for (const auto* file : {&tls.clientCaFile, &auth.requestHeaderCaFile}) {
        if (!file->empty()) {
            files.push_back(*file);
        }
    }
    return files;
}

std::vector<std::string> CoreConfig::listenerNames() const {
    std::vector<std::string> names;
    for (const auto& listener : listeners) {
        names.push_back(listener.name);
    }
    return names;
}

CoreConfig CoreConfig::read(const Poco::Util::AbstractConfiguration& config,
                            EffectiveConfiguration& effective,
                            const std::string& defaultModulePath) {
    CoreConfig core;

    ConfigSection kiod(config, "kiod", effective);
    core.modules = kiod.getList("modules", {});
    for (auto it = core.modules.begin(); it != core.modules.end(); ++it) {
        if (!isPlainName(*it)) {
            throw ConfigError(kiod.fullKey("modules") + ": '" + *it + "' is not a module name");
        }
        if (std::find(core.modules.begin(), it, *it) != it) {
            throw ConfigError(kiod.fullKey("modules") + ": '" + *it + "' is listed twice");
        }
    }
    // Colon-separated like PATH, so that tests and packagers can add a directory.
    std::string modulePath = kiod.getString("module_path", defaultModulePath);
    std::string::size_type start = 0;
    while (start <= modulePath.size()) {
        auto colon = modulePath.find(':', start);
        auto dir = modulePath.substr(start, colon - start);
        if (!dir.empty()) {
            core.modulePath.push_back(dir);
        }
        if (colon == std::string::npos) {
            break;
        }
        start = colon + 1;
    }
    core.dataDir = kiod.getString("data_dir", core.dataDir);
    if (core.dataDir.empty()) {
        throw ConfigError(kiod.fullKey("data_dir") + ": must not be empty");
    }
    core.shutdownGrace = kiod.getDuration("shutdown_grace", core.shutdownGrace,
                                          std::chrono::milliseconds(0), std::chrono::hours(1));
    kiod.checkNoUnknownKeys();

    ConfigSection log(config, "log", effective);
    core.log.level = log.getChoice(
        "level", "info",
        {"trace", "debug", "info", "notice", "warning", "error", "critical", "fatal"});
    if (core.log.level == "info") {
        core.log.level = "information";
    }
    core.log.format = log.getChoice("format", core.log.format, {"text", "json"});
    core.log.access = log.getBool("access", core.log.access);
    log.checkNoUnknownKeys();

    ConfigSection audit(config, "audit", effective);
    core.audit.path = audit.getString("path", "");
    core.audit.maxSizeMib = audit.getInt("max_size_mib", core.audit.maxSizeMib, 1, 1'000'000);
    core.audit.keep = audit.getInt("keep", core.audit.keep, 1, 10'000);
    core.audit.readPaths = audit.getList("read_paths", core.audit.readPaths);
    audit.checkNoUnknownKeys();

    Poco::Util::AbstractConfiguration::Keys names;
    config.keys("listener", names);
    std::sort(names.begin(), names.end());
    if (names.empty()) {
        throw ConfigError("listener: no [listener.NAME] section; kiod needs at least one");
    }
    for (const auto& name : names) {
        if (!isPlainName(name)) {
            throw ConfigError("listener." + name + ": '" + name + "' is not a listener name");
        }
        core.listeners.push_back(readListener(config, effective, name));
    }
    return core;
}

}  // namespace kiod
