#pragma once

#include "RequestParser.h"

#include <kiod/ConfigSection.h>

#include <Poco/Net/SocketAddress.h>

#include <chrono>
#include <string>
#include <vector>

namespace Poco::Util {
class AbstractConfiguration;
}

namespace kiod {

struct TlsConfig {
    std::string certFile;       // tls.cert, PEM
    std::string keyFile;        // tls.key, PEM
    std::string clientCaFile;   // tls.client_ca: verify client certificates against it
    bool autoGenerate = false;  // tls.auto: self-signed certificate in data_dir/tls

    bool enabled() const { return autoGenerate || !certFile.empty(); }
};

// [listener.NAME] auth.kubernetes.*: the kube-apiserver that kiod asks
// about bearer tokens (TokenReview) and permissions (SubjectAccessReview).
struct KubernetesApiConfig {
    // auth.kubernetes.url: https://HOST[:PORT]; `in-cluster` is resolved by
    // CoreConfig into the pod's KUBERNETES_SERVICE_HOST and _PORT, with the
    // ServiceAccount's ca.crt and token as the defaults of the files below.
    std::string url;
    std::string caFile;     // auth.kubernetes.ca: PEM; the system's CAs when empty
    std::string tokenFile;  // auth.kubernetes.token_file: kiod's bearer token, reread on change
    std::string certFile;   // auth.kubernetes.cert: kiod's client certificate, with .key
    std::string keyFile;    // auth.kubernetes.key
    // auth.kubernetes.timeout: to connect, and for each read and write.
    std::chrono::milliseconds timeout{10'000};
};

// [listener.NAME] auth.*: who may use the listener and what they may do.
// Off (an open listener, as before authentication existed) until
// auth.rules_file or auth.subjectaccessreview is set; then every request
// must authenticate (except on anonymousPaths) and be allowed by the rules
// or kube-apiserver.
struct AuthConfig {
    std::string rulesFile;                    // auth.rules_file
    std::vector<std::string> anonymousPaths;  // auth.anonymous_paths: exact, or prefix*
    std::string tokenFile;                    // auth.token_file
    // auth.requestheader.client_ca and .allowed_names: the aggregation
    // layer's front proxy, whose X-Remote-* headers are believed.
    std::string requestHeaderCaFile;
    std::vector<std::string> requestHeaderAllowedNames;
    // auth.tokenreview, .cache_ttl and .audiences: bearer tokens that the
    // token file does not know, asked of kube-apiserver. The TTL (of
    // answers both ways) is kube-apiserver's --authentication-token-webhook-cache-ttl.
    bool tokenReview = false;
    std::chrono::milliseconds tokenReviewCacheTtl{10'000};
    std::vector<std::string> tokenReviewAudiences;
    // auth.subjectaccessreview, .allow_cache_ttl and .deny_cache_ttl: what
    // the rules do not allow, asked of kube-apiserver (its
    // --authorization-webhook-cache-authorized-ttl and -unauthorized-ttl).
    bool subjectAccessReview = false;
    std::chrono::milliseconds subjectAccessReviewAllowTtl{10'000};
    std::chrono::milliseconds subjectAccessReviewDenyTtl{10'000};
    KubernetesApiConfig kubernetes;

    bool enabled() const { return !rulesFile.empty() || subjectAccessReview; }
    bool asksKubernetes() const { return tokenReview || subjectAccessReview; }
};

// [listener.NAME]
struct ListenerConfig {
    std::string name;
    Poco::Net::SocketAddress address;
    // Event loops: threads that own the connections, read requests and run
    // the handlers that never block. One per CPU by default.
    int ioThreads = 1;
    // Workers: requests running at once in handlers that may block. Watch
    // streams hold a worker for minutes, hence hundreds.
    int threads = 256;
    // Compute threads: requests running at once in handlers that only need
    // the CPU (list pages). One per CPU by default.
    int computeThreads = 1;
    // Requests waiting for a worker; beyond them the answer is 429.
    int maxQueued = 1024;
    // Requests for workers at once, queued or running; beyond them the
    // answer is 429. kube-apiserver's --max-requests-inflight.
    int maxRequests = 400;
    std::chrono::milliseconds idleTimeout{60'000};       // no byte in or out for this long
    std::chrono::milliseconds keepAliveTimeout{15'000};  // between requests on a connection
    std::chrono::milliseconds readTimeout{30'000};       // a whole request must arrive within
    RequestLimits limits;
    TlsConfig tls;
    AuthConfig auth;

    // The CA files TLS verifies client certificates against: tls.client_ca
    // and, for the front proxy, auth.requestheader.client_ca.
    std::vector<std::string> trustedClientCas() const;
};

// [log]
struct LogConfig {
    std::string level = "information";  // Poco's level names
    std::string format = "text";        // text | json
    bool access = false;                // one line per request at information level
};

// [audit]: the audit log (AuditLog.h); off without a path.
struct AuditConfig {
    std::string path;      // a file, or "-" for standard output
    int maxSizeMib = 100;  // a file is rotated at this size...
    int keep = 5;          // ...keeping this many rotated files
    // GET and HEAD are audited here too (every other method everywhere).
    std::vector<std::string> readPaths = {"/crypto/*"};
};

// The sections core owns: [kiod], [log], [audit] and [listener.*].
struct CoreConfig {
    std::vector<std::string> modules;
    std::vector<std::string> modulePath;
    std::string dataDir = "/var/lib/kiod";
    std::chrono::milliseconds shutdownGrace{30'000};
    LogConfig log;
    AuditConfig audit;
    std::vector<ListenerConfig> listeners;

    std::vector<std::string> listenerNames() const;

    // Throws ConfigError naming the key.
    static CoreConfig read(const Poco::Util::AbstractConfiguration& config,
                           EffectiveConfiguration& effective, const std::string& defaultModulePath);
};

}  // namespace kiod
