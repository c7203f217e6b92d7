#include "PeerCertificate.h"

#include <openssl/crypto.h>
#include <openssl/x509.h>

namespace kiod {

namespace {

std::vector<std::string> subjectEntries(X509* certificate, int nid) {
    std::vector<std::string> values;
    X509_NAME* subject = X509_get_subject_name(certificate);
    for (int at = X509_NAME_get_index_by_NID(subject, nid, -1); at >= 0;
         at = X509_NAME_get_index_by_NID(subject, nid, at)) {
        unsigned char* utf8 = nullptr;
        int length =
            ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, at)));
        if (length >= 0) {
            values.emplace_back(reinterpret_cast<const char*>(utf8),
                                static_cast<std::size_t>(length));
            OPENSSL_free(utf8);
        }
    }
    return values;
}

}  // namespace

std::string PeerCertificate::commonName() const {
    auto names = subjectEntries(leaf, NID_commonName);
    return names.empty() ? "" : names.front();
}

std::vector<std::string> PeerCertificate::organizations() const {
    return subjectEntries(leaf, NID_organizationName);
}

}  // namespace kiod
