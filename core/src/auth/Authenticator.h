#pragma once

#include "PeerCertificate.h"

#include <kiod/UserInfo.h>

#include <string>

namespace Poco::Net {
class HTTPServerRequest;
}

namespace kiod {

// What one authenticator made of a request's credentials.
struct Authentication {
    enum class Outcome {
        kNone,           // no credentials of its kind: the next authenticator tries
        kAuthenticated,  // `user` sent it
        kRejected,       // credentials of its kind that prove nothing (a wrong token)
    };
    Outcome outcome = Outcome::kNone;
    UserInfo user;
    // Why it was rejected, for kiod's log only: the client learns nothing
    // but "Unauthorized", as from kube-apiserver.
    std::string reason;

    static Authentication none() { return {}; }
    static Authentication authenticated(UserInfo user) {
        return {Outcome::kAuthenticated, std::move(user), ""};
    }
    static Authentication rejected(std::string reason) {
        return {Outcome::kRejected, {}, std::move(reason)};
    }
};

// One way of establishing who sent a request. A listener's authenticators
// are tried in order (request headers, client certificate, token file,
// TokenReview: kube-apiserver's order); the first that authenticates wins.
// Implementations are thread-safe: requests of every event loop and worker
// call them at once.
class Authenticator {
public:
    virtual ~Authenticator() = default;

    // `peer` is the connection's verified client certificate, or null.
    virtual Authentication authenticate(const Poco::Net::HTTPServerRequest& request,
                                        const PeerCertificate* peer) const = 0;

    // Whether authenticate may wait on another server (TokenReview): then
    // the listener runs every request on its workers, never on the event loop.
    virtual bool mayBlock() const { return false; }
};

}  // namespace kiod
