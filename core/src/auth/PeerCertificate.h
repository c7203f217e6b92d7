#pragma once

#include <string>
#include <vector>

using X509 = struct x509_st;
struct stack_st_X509;

namespace kiod {

// The certificate a TLS client presented, and the chain it sent with it,
// as OpenSSL holds them for the connection (which owns both). TLS has
// already verified it against the listener's trusted CAs; which of them
// issued it decides what it may prove (CertificateAuthority::issued).
struct PeerCertificate {
    X509* leaf = nullptr;
    stack_st_X509* chain = nullptr;  // null on a resumed session

    // The subject's first CN, or "".
    std::string commonName() const;
    // The subject's O entries, in order.
    std::vector<std::string> organizations() const;
};

}  // namespace kiod
