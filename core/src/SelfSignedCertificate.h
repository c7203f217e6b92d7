#pragma once

#include <string>

namespace kiod {

// A certificate and key that kiod generates for a listener with `tls.auto`,
// so that HTTPS works out of the box (kube-apiserver's aggregation layer and
// kubectl both need TLS). Kept in DIR/NAME.crt and DIR/NAME.key (mode 0600)
// and reused across restarts until 30 days before it expires.
struct SelfSignedCertificate {
    std::string certFile;
    std::string keyFile;

    // Throws std::runtime_error when the files cannot be read or written.
    static SelfSignedCertificate ensure(const std::string& dir, const std::string& name,
                                        const std::string& host);
};

}  // namespace kiod
