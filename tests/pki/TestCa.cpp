#include "TestCa.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <atomic>
#include <cstdio>
#include <memory>
#include <stdexcept>

namespace kiod::test {

namespace {

std::atomic<long> serials{1};

void addExtension(X509* cert, X509* issuer, int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    if (!extension || !X509_add_ext(cert, extension, -1)) {
        throw std::runtime_error(std::string("TestCa: extension ") + value);
    }
    X509_EXTENSION_free(extension);
}

void addEntry(X509_NAME* name, const char* field, const std::string& value) {
    X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(value.c_str()), -1, -1, 0);
}

// A certificate for `key`, valid from an hour ago for a day.
X509* newCertificate(EVP_PKEY* key) {
    X509* cert = X509_new();
    X509_set_version(cert, X509_VERSION_3);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), serials++);
    X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert), 24 * 3600);
    X509_set_pubkey(cert, key);
    return cert;
}

template <class Write>
void writeFile(const std::string& path, Write write) {
    std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "w"), std::fclose);
    if (!file || !write(file.get())) {
        throw std::runtime_error("TestCa: cannot write " + path);
    }
}

}  // namespace

struct TestCa::Keys {
    EVP_PKEY* key = nullptr;
    X509* cert = nullptr;
};

TestCa::TestCa(const std::string& dir, const std::string& name)
    : dir_(dir), certFile_(dir + "/" + name + "-ca.crt"), keys_(std::make_unique<Keys>()) {
    keys_->key = EVP_EC_gen("P-256");
    keys_->cert = newCertificate(keys_->key);
    addEntry(X509_get_subject_name(keys_->cert), "CN", name + "-ca");
    X509_set_issuer_name(keys_->cert, X509_get_subject_name(keys_->cert));
    addExtension(keys_->cert, keys_->cert, NID_basic_constraints, "critical,CA:TRUE");
    addExtension(keys_->cert, keys_->cert, NID_key_usage, "critical,keyCertSign,cRLSign");
    addExtension(keys_->cert, keys_->cert, NID_subject_key_identifier, "hash");
    X509_sign(keys_->cert, keys_->key, EVP_sha256());
    writeFile(certFile_, [&](FILE* f) { return PEM_write_X509(f, keys_->cert) == 1; });
}

TestCa::~TestCa() {
    X509_free(keys_->cert);
    EVP_PKEY_free(keys_->key);
}

TestCa::Issued TestCa::issue(const std::string& file, const std::string& commonName,
                             const std::vector<std::string>& organizations) const {
    Issued issued{dir_ + "/" + file + ".crt", dir_ + "/" + file + ".key"};
    EVP_PKEY* key = EVP_EC_gen("P-256");
    X509* cert = newCertificate(key);
    X509_NAME* subject = X509_get_subject_name(cert);
    for (const auto& organization : organizations) {
        addEntry(subject, "O", organization);
    }
    addEntry(subject, "CN", commonName);
    X509_set_issuer_name(cert, X509_get_subject_name(keys_->cert));
    addExtension(cert, keys_->cert, NID_basic_constraints, "critical,CA:FALSE");
    addExtension(cert, keys_->cert, NID_key_usage, "critical,digitalSignature");
    addExtension(cert, keys_->cert, NID_ext_key_usage, "clientAuth");
    addExtension(cert, keys_->cert, NID_authority_key_identifier, "keyid");
    X509_sign(cert, keys_->key, EVP_sha256());
    writeFile(issued.certFile, [&](FILE* f) { return PEM_write_X509(f, cert) == 1; });
    writeFile(issued.keyFile, [&](FILE* f) {
        return PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr) == 1;
    });
    X509_free(cert);
    EVP_PKEY_free(key);
    return issued;
}

}  // namespace kiod::test
