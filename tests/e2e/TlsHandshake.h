#pragma once

#include <Poco/Crypto/X509Certificate.h>

#include <optional>
#include <string>

namespace kiod::test {

// What one TLS handshake with a listener came to.
struct TlsHandshake {
    bool ok = false;
    std::string error;     // OpenSSL's reason when it failed (e.g. "tlsv1 alert protocol version")
    std::string protocol;  // "TLSv1.3"
    std::string cipher;    // "TLS_AES_256_GCM_SHA384"
    std::optional<Poco::Crypto::X509Certificate> certificate;  // the server's
};

// A client's TLS options: the highest version it offers (0 for OpenSSL's,
// TLS1_1_VERSION for a legacy client) and its TLS 1.2 cipher suites (empty
// for OpenSSL's). The server is not verified.
struct TlsClientOptions {
    int maxVersion = 0;
    std::string ciphers;
};

// Connects to `url` (https://HOST:PORT) and does a handshake, nothing more.
TlsHandshake handshake(const std::string& url, const TlsClientOptions& options = {});

}  // namespace kiod::test
