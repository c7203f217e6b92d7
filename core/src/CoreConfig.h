#pragma once

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

// [listener.NAME] auth.*: who may use the listener and what they may do.
// Off (an open listener, as before authentication existed) until
// auth.rules_file is set; then every request must authenticate (except on
// anonymousPaths) and be allowed by the rules.
struct AuthConfig {
    std::string rulesFile;                    // auth.rules_file
    std::vector<std::string> anonymousPaths;  // auth.anonymous_paths: exact, or prefix*
    std::string tokenFile;                    // auth.token_file
    // auth.requestheader.client_ca and .allowed_names: the aggregation
    // layer's front proxy, whose X-Remote-* headers are believed.
    std::string requestHeaderCaFile;
    std::vector<std::string> requestHeaderAllowedNames;

    bool enabled() const { return !rulesFile.empty(); }
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
    // Requests waiting for a worker; beyond them the answer is 429.
    int maxQueued = 1024;
    std::chrono::milliseconds idleTimeout{60'000};       // a request must arrive within
    std::chrono::milliseconds keepAliveTimeout{15'000};  // between requests on a connection
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
