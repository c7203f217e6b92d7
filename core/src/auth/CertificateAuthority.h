#pragma once

#include "PeerCertificate.h"

#include <memory>
#include <string>

using X509_STORE = struct x509_store_st;

namespace kiod {

// The CA certificates of one PEM file, as a trust anchor of its own: a
// listener can trust several CAs at the TLS layer (client certificates and
// the aggregation layer's front proxy), and each authenticator must accept
// only the certificates its CA issued. Thread-safe.
class CertificateAuthority {
public:
    // Throws std::runtime_error naming the file when it holds no certificate.
    explicit CertificateAuthority(const std::string& pemFile);

    // Whether `peer` chains to one of these CAs (X509_verify_cert, for TLS
    // client authentication).
    bool issued(const PeerCertificate& peer) const;

private:
    std::unique_ptr<X509_STORE, void (*)(X509_STORE*)> store_;
};

}  // namespace kiod
