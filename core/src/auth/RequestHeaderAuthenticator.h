#pragma once

#include "Authenticator.h"
#include "CertificateAuthority.h"

#include <vector>

namespace Poco::Net {
class HTTPRequest;
}

namespace kiod {

// The aggregation layer's identity headers (kube-apiserver's
// --requestheader-* options): kube-apiserver authenticates the user, then
// proxies the request with X-Remote-User, one X-Remote-Group per group and
// X-Remote-Extra-KEY per extra value, over a client certificate issued by
// the front-proxy CA. The headers are believed only on such a connection,
// and only when the certificate's CN is one of `allowedNames` (any CN when
// empty); kube-apiserver's own CA issues certificates to kubelets and users
// too, which must not be able to claim any identity.
class RequestHeaderAuthenticator : public Authenticator {
public:
    RequestHeaderAuthenticator(const std::string& caFile, std::vector<std::string> allowedNames)
        : ca_(caFile), allowedNames_(std::move(allowedNames)) {}

    Authentication authenticate(const Poco::Net::HTTPServerRequest& request,
                                const PeerCertificate* peer) const override;

    // Removes every identity header (X-Remote-User, -Group, -Uid, -Extra-*),
    // so that no handler can mistake a client's own for the front proxy's.
    // Called on every request of a listener with authentication, whoever
    // sent it.
    static void strip(Poco::Net::HTTPRequest& request);

private:
    CertificateAuthority ca_;
    std::vector<std::string> allowedNames_;
};

}  // namespace kiod
