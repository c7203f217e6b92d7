#pragma once

#include "CoreConfig.h"
#include "FileWatcher.h"
#include "ReloadingFile.h"

#include <kiod/Status.h>

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPSClientSession.h>

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace kiod {

// HTTPS requests from kiod to kube-apiserver (auth.kubernetes.*): the
// server verified against auth.kubernetes.ca with its host name, kiod
// identified by the bearer token of auth.kubernetes.token_file (reread when
// it changes, as a projected ServiceAccount token is) and/or the client
// certificate auth.kubernetes.cert. Connections are kept alive between
// requests in a pool, each used by one request at a time. Thread-safe.
class KubernetesClient {
public:
    // Throws ConfigError naming the key (`keyPrefix` + `auth.kubernetes.ca`)
    // of a file that does not load.
    KubernetesClient(const std::string& keyPrefix, const KubernetesApiConfig& config,
                     FileWatcher& watcher);

    // POSTs the JSON `body` to `path` and returns the body of a 2xx answer.
    // Unavailable, with why for kiod's log, when kube-apiserver cannot be
    // reached within auth.kubernetes.timeout, fails TLS verification or
    // answers anything else.
    Result<std::string> post(const std::string& path, const std::string& body) const;

    const std::string& url() const { return url_; }

private:
    using Session = std::unique_ptr<Poco::Net::HTTPSClientSession>;

    Session acquire() const;
    void release(Session session) const;
    Result<std::string> exchange(Poco::Net::HTTPSClientSession& session, const std::string& path,
                                 const std::string& body) const;

    std::string url_;
    std::string host_;
    unsigned short port_ = 443;
    std::chrono::milliseconds timeout_;
    Poco::Net::Context::Ptr context_;
    std::optional<ReloadingFile<std::string>> token_;
    mutable std::mutex mutex_;
    mutable std::vector<Session> idle_;
};

}  // namespace kiod
