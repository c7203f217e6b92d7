#include "SelfSignedCertificate.h"

#include <Poco/File.h>
#include <Poco/Net/IPAddress.h>
#include <Poco/Path.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <memory>
#include <stdexcept>
#include <sys/stat.h>

namespace kiod {

namespace {

constexpr int kValidDays = 365;
constexpr int kRenewBeforeDays = 30;

template <class T, void (*Free)(T*)>
struct Deleter {
    void operator()(T* p) const { Free(p); }
};
using Key = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using Cert = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using Extension = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION, X509_EXTENSION_free>>;

struct FileCloser {
    void operator()(FILE* f) const { std::fclose(f); }
};

[[noreturn]] void fail(const std::string& what) {
    throw std::runtime_error("cannot generate a self-signed certificate: " + what);
}

// Whether `certFile` holds a certificate valid for more than the renewal margin.
bool stillValid(const std::string& certFile) {
    std::unique_ptr<FILE, FileCloser> file(std::fopen(certFile.c_str(), "r"));
    if (!file) {
        return false;
    }
    Cert cert(PEM_read_X509(file.get(), nullptr, nullptr, nullptr));
    if (!cert) {
        return false;
    }
    time_t horizon = time(nullptr) + kRenewBeforeDays * 24 * 3600;
    return X509_cmp_time(X509_get0_notAfter(cert.get()), &horizon) > 0;
}

void addExtension(X509* cert, int nid, const std::string& value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    Extension extension(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
    if (!extension || !X509_add_ext(cert, extension.get(), -1)) {
        fail("extension " + value);
    }
}

// Writes to a temporary file and renames, so that a crash never leaves half
// a key behind; the key is created 0600 before any byte is written.
template <class Write>
void writeAtomically(const std::string& path, mode_t mode, Write write) {
    std::string temporary = path + ".tmp";
    std::unique_ptr<FILE, FileCloser> file(std::fopen(temporary.c_str(), "w"));
    if (!file || chmod(temporary.c_str(), mode) != 0 || !write(file.get())) {
        fail("cannot write " + temporary);
    }
    file.reset();
    if (std::rename(temporary.c_str(), path.c_str()) != 0) {
        fail("cannot rename " + temporary + " to " + path);
    }
}

}  // namespace

SelfSignedCertificate SelfSignedCertificate::ensure(const std::string& dir, const std::string& name,
                                                    const std::string& host) {
    Poco::File(dir).createDirectories();
    SelfSignedCertificate result{
        Poco::Path(Poco::Path(dir).makeDirectory(), name + ".crt").toString(),
        Poco::Path(Poco::Path(dir).makeDirectory(), name + ".key").toString()};
    if (Poco::File(result.keyFile).exists() && stillValid(result.certFile)) {
        return result;
    }

    Key key(EVP_EC_gen("P-256"));
    Cert cert(X509_new());
    if (!key || !cert) {
        fail("out of memory");
    }
    unsigned char serial[16];
    RAND_bytes(serial, sizeof serial);
    serial[0] &= 0x7f;  // a positive serial number
    std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>> serialNumber(
        BN_bin2bn(serial, sizeof serial, nullptr));
    X509_set_version(cert.get(), X509_VERSION_3);
    BN_to_ASN1_INTEGER(serialNumber.get(), X509_get_serialNumber(cert.get()));
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);  // tolerate clock skew
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600L * 24 * kValidDays);
    X509_set_pubkey(cert.get(), key.get());
    X509_NAME* subject = X509_get_subject_name(cert.get());
    std::string commonName = "kiod-" + name;
    X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(commonName.c_str()), -1, -1,
                               0);
    X509_set_issuer_name(cert.get(), subject);

    // Self-signed and its own CA, so that a client can trust it directly
    // (kubectl's certificate-authority).
    std::string altNames = "DNS:localhost,IP:127.0.0.1,IP:::1";
    Poco::Net::IPAddress ip;
    if (Poco::Net::IPAddress::tryParse(host, ip)) {
        if (!ip.isWildcard() && !ip.isLoopback()) {
            altNames += ",IP:" + host;
        }
    } else if (!host.empty() && host != "localhost") {
        altNames += ",DNS:" + host;
    }
    addExtension(cert.get(), NID_basic_constraints, "critical,CA:TRUE");
    addExtension(cert.get(), NID_key_usage,
                 "critical,digitalSignature,keyEncipherment,keyCertSign");
    addExtension(cert.get(), NID_ext_key_usage, "serverAuth");
    addExtension(cert.get(), NID_subject_alt_name, altNames);
    addExtension(cert.get(), NID_subject_key_identifier, "hash");
    if (!X509_sign(cert.get(), key.get(), EVP_sha256())) {
        fail("signing failed");
    }

    writeAtomically(result.keyFile, 0600, [&](FILE* f) {
        return PEM_write_PrivateKey(f, key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1;
    });
    writeAtomically(result.certFile, 0644,
                    [&](FILE* f) { return PEM_write_X509(f, cert.get()) == 1; });
    return result;
}

}  // namespace kiod
