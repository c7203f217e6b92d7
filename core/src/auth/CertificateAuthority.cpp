#include "CertificateAuthority.h"

#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <memory>
#include <stdexcept>

namespace kiod {

CertificateAuthority::CertificateAuthority(const std::string& pemFile)
    : store_(X509_STORE_new(), X509_STORE_free) {
    if (!store_ || X509_STORE_load_file(store_.get(), pemFile.c_str()) != 1) {
        ERR_clear_error();
        throw std::runtime_error("'" + pemFile + "' holds no PEM CA certificate");
    }
}

bool CertificateAuthority::issued(const PeerCertificate& peer) const {
    std::unique_ptr<X509_STORE_CTX, void (*)(X509_STORE_CTX*)> context(X509_STORE_CTX_new(),
                                                                       X509_STORE_CTX_free);
    if (!context || X509_STORE_CTX_init(context.get(), store_.get(), peer.leaf, peer.chain) != 1) {
        ERR_clear_error();
        return false;
    }
    X509_STORE_CTX_set_purpose(context.get(), X509_PURPOSE_SSL_CLIENT);
    bool verified = X509_verify_cert(context.get()) == 1;
    ERR_clear_error();
    return verified;
}

}  // namespace kiod
