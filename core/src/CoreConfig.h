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
    // Requests for workers at once, queued or running; beyond them the
    // answer is 429. kube-apiserver's --max-requests-inflight.
    int maxRequests = 400;
    std::chrono::milliseconds idleTimeout{60'000};       // no byte in or out for this long
    std::chrono::milliseconds keepAliveTimeout{15'000};  // between requests on a connection
    std::chrono::milliseconds readTimeout{30'000};       // a whole request must arrive within
    RequestLimits limits;
    TlsConfig tls;
};

// [log]
struct LogConfig {
    std::string level = "information";  // Poco's level names
    std::string format = "text";        // text | json
    bool access = false;                // one line per request at information level
};

// The sections core owns: [kiod], [log] and [listener.*].
struct CoreConfig {
    std::vector<std::string> modules;
    std::vector<std::string> modulePath;
    std::string dataDir = "/var/lib/kiod";
    std::chrono::milliseconds shutdownGrace{30'000};
    LogConfig log;
    std::vector<ListenerConfig> listeners;

    std::vector<std::string> listenerNames() const;

    // Throws ConfigError naming the key.
    static CoreConfig read(const Poco::Util::AbstractConfiguration& config,
                           EffectiveConfiguration& effective, const std::string& defaultModulePath);
};

}  // namespace kiod
