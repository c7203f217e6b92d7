#include "TlsHandshake.h"

#include <Poco/Net/StreamSocket.h>
#include <Poco/URI.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <memory>

namespace kiod::test {

namespace {

std::string lastError() {
    char text[256] = "handshake failed";
    if (auto code = ERR_get_error(); code != 0) {
        ERR_error_string_n(code, text, sizeof text);
    }
    ERR_clear_error();
    return text;
}

}  // namespace

TlsHandshake handshake(const std::string& url, const TlsClientOptions& options) {
    Poco::URI uri(url);
    Poco::Net::StreamSocket socket(Poco::Net::SocketAddress(uri.getHost(), uri.getPort()));
    socket.setReceiveTimeout(Poco::Timespan(10, 0));
    std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> context(SSL_CTX_new(TLS_client_method()),
                                                              SSL_CTX_free);
    TlsHandshake result;
    if (options.maxVersion != 0) {
        // OpenSSL 3 offers TLS 1.1 and older only at security level 0.
        SSL_CTX_set_security_level(context.get(), 0);
        SSL_CTX_set_min_proto_version(context.get(), 0);
        SSL_CTX_set_max_proto_version(context.get(), options.maxVersion);
    }
    if (!options.ciphers.empty() &&
        SSL_CTX_set_cipher_list(context.get(), options.ciphers.c_str()) != 1) {
        result.error = "client cannot offer " + options.ciphers + ": " + lastError();
        return result;
    }
    std::unique_ptr<SSL, decltype(&SSL_free)> ssl(SSL_new(context.get()), SSL_free);
    SSL_set_fd(ssl.get(), socket.impl()->sockfd());
    if (SSL_connect(ssl.get()) != 1) {
        result.error = lastError();
        return result;
    }
    result.ok = true;
    result.protocol = SSL_get_version(ssl.get());
    result.cipher = SSL_get_cipher_name(ssl.get());
    if (X509* peer = SSL_get1_peer_certificate(ssl.get())) {
        result.certificate.emplace(peer);  // takes the reference
    }
    SSL_shutdown(ssl.get());
    return result;
}

}  // namespace kiod::test
