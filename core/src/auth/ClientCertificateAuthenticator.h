#pragma once

#include "Authenticator.h"
#include "CertificateAuthority.h"

namespace kiod {

// A client certificate issued by the listener's tls.client_ca: the user is
// its subject's CN, the groups its O entries (kube-apiserver's
// --client-ca-file). A certificate from another trusted CA (the front
// proxy's) is not this authenticator's to judge.
class ClientCertificateAuthenticator : public Authenticator {
public:
    explicit ClientCertificateAuthenticator(const std::string& caFile) : ca_(caFile) {}

    Authentication authenticate(const Poco::Net::HTTPServerRequest& request,
                                const PeerCertificate* peer) const override;

private:
    CertificateAuthority ca_;
};

}  // namespace kiod
