#include "ClientCertificateAuthenticator.h"

namespace kiod {

Authentication ClientCertificateAuthenticator::authenticate(const Poco::Net::HTTPServerRequest&,
                                                            const PeerCertificate* peer) const {
    if (!peer || !ca_.issued(*peer)) {
        return Authentication::none();
    }
    UserInfo user;
    user.name = peer->commonName();
    if (user.name.empty()) {
        return Authentication::rejected("client certificate without a common name");
    }
    user.groups = peer->organizations();
    return Authentication::authenticated(std::move(user));
}

}  // namespace kiod
