#pragma once

#include "Authenticator.h"
#include "Authorizer.h"
#include "CoreConfig.h"
#include "FileWatcher.h"

#include <kiod/RequestAttributes.h>
#include <kiod/UserInfo.h>

#include <memory>
#include <string>
#include <vector>

namespace Poco::Net {
class HTTPServerRequest;
class HTTPServerResponse;
}  // namespace Poco::Net

namespace kiod {

// The authentication and authorization of one listener, before any handler
// runs (kube-apiserver's WithAuthentication and WithAuthorization filters).
// A listener without auth.rules_file or auth.subjectaccessreview is open:
// everyone is system:anonymous and everything is allowed, as before kiod
// authenticated anyone.
class AccessControl {
public:
    // Loads the listener's token and rules files (and kiod's credentials for
    // kube-apiserver), registering them with `watcher` to be reread on
    // change. Throws ConfigError naming the key of a file that does not load.
    AccessControl(const ListenerConfig& config, FileWatcher& watcher);

    bool open() const { return authorizers_.empty(); }
    // Whether admit() may wait on another server: then the listener runs
    // every request on its workers.
    bool mayBlock() const;

    // Establishes who sent `http` into `user`, and whether they may do what
    // `request` asks: true when the handler may run. Otherwise it has
    // answered on `response`: 401 Unauthorized (no or bad credentials;
    // `user` left empty) or 403 Forbidden with kube-apiserver's message.
    // Removes the X-Remote-* identity headers from `http` in every case.
    bool admit(Poco::Net::HTTPServerRequest& http, const PeerCertificate* peer,
               const RequestAttributes& request, UserInfo& user,
               Poco::Net::HTTPServerResponse& response) const;

    // kube-apiserver's 403 message for `user` asking `request`, with
    // `reason` after ": " when not empty:
    // `backupactions.actions.kio.kasten.io is forbidden: User "alice" cannot
    // list resource "backupactions" in API group "actions.kio.kasten.io" in
    // the namespace "other"`.
    static std::string forbiddenMessage(const UserInfo& user, const RequestAttributes& request,
                                        const std::string& reason);

private:
    bool authenticate(Poco::Net::HTTPServerRequest& http, const PeerCertificate* peer,
                      const RequestAttributes& request, UserInfo& user) const;
    Authorization authorize(const UserInfo& user, const RequestAttributes& request) const;

    std::string listener_;
    std::vector<std::string> anonymousPaths_;
    std::vector<std::unique_ptr<Authenticator>> authenticators_;
    std::vector<std::unique_ptr<Authorizer>> authorizers_;
};

}  // namespace kiod
