#include "Transport.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <cerrno>
#include <sys/socket.h>
#include <unistd.h>

namespace kiod {

namespace {

class PlainTransport : public Transport {
public:
    explicit PlainTransport(int fd) : fd_(fd) {}
    ~PlainTransport() override { close(fd_); }

    Result read(char* buffer, std::size_t length) override {
        while (true) {
            auto n = recv(fd_, buffer, length, 0);
            if (n > 0) {
                return {Status::kOk, static_cast<std::size_t>(n)};
            }
            if (n == 0) {
                return {Status::kClosed};
            }
            if (errno == EINTR) {
                continue;
            }
            return {errno == EAGAIN || errno == EWOULDBLOCK ? Status::kWantRead : Status::kError};
        }
    }

    Result write(const char* buffer, std::size_t length) override {
        while (true) {
            auto n = send(fd_, buffer, length, MSG_NOSIGNAL);
            if (n >= 0) {
                return {Status::kOk, static_cast<std::size_t>(n)};
            }
            if (errno == EINTR) {
                continue;
            }
            return {errno == EAGAIN || errno == EWOULDBLOCK ? Status::kWantWrite : Status::kError};
        }
    }

    void shutdown() override { ::shutdown(fd_, SHUT_RDWR); }
    bool secure() const override { return false; }

private:
    int fd_;
};

class TlsTransport : public Transport {
public:
    TlsTransport(int fd, Poco::Net::Context::Ptr context)
        : fd_(fd), context_(std::move(context)), ssl_(SSL_new(context_->sslContext())) {
        if (ssl_) {
            SSL_set_fd(ssl_, fd_);
            SSL_set_accept_state(ssl_);
            // The write buffer moves between calls and may be sent in parts.
            SSL_set_mode(ssl_, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
        }
    }
    ~TlsTransport() override {
        SSL_free(ssl_);
        close(fd_);
    }

    Result read(char* buffer, std::size_t length) override {
        if (!ssl_) {
            return {Status::kError};
        }
        std::size_t n = 0;
        int rc = SSL_read_ex(ssl_, buffer, length, &n);
        return rc == 1 ? Result{Status::kOk, n} : failure(rc);
    }

    Result write(const char* buffer, std::size_t length) override {
        if (!ssl_) {
            return {Status::kError};
        }
        std::size_t n = 0;
        int rc = SSL_write_ex(ssl_, buffer, length, &n);
        return rc == 1 ? Result{Status::kOk, n} : failure(rc);
    }

    bool holdsUnread() const override { return ssl_ && SSL_has_pending(ssl_) == 1; }

    void shutdown() override {
        if (ssl_ && SSL_is_init_finished(ssl_)) {
            SSL_shutdown(ssl_);
        }
        ::shutdown(fd_, SHUT_RDWR);
    }

    bool secure() const override { return true; }

    std::optional<PeerCertificate> peerCertificate() const override {
        X509* leaf = ssl_ ? SSL_get0_peer_certificate(ssl_) : nullptr;
        if (!leaf) {
            return std::nullopt;
        }
        return PeerCertificate{leaf, SSL_get_peer_cert_chain(ssl_)};
    }

private:
    Result failure(int rc) {
        int error = SSL_get_error(ssl_, rc);
        // Errors of this connection (a client speaking plain HTTP, a bad
        // handshake) must not linger in the thread's queue for the next.
        ERR_clear_error();
        switch (error) {
            case SSL_ERROR_WANT_READ:
                return {Status::kWantRead};
            case SSL_ERROR_WANT_WRITE:
                return {Status::kWantWrite};
            case SSL_ERROR_ZERO_RETURN:
                return {Status::kClosed};
            default:
                return {Status::kError};
        }
    }

    int fd_;
    // Poco keeps its Context in the SSL_CTX's ex_data, for callbacks
    // during the handshake: it must outlive this SSL.
    Poco::Net::Context::Ptr context_;
    SSL* ssl_;
};

}  // namespace

std::unique_ptr<Transport> Transport::plain(int fd) {
    return std::make_unique<PlainTransport>(fd);
}

std::unique_ptr<Transport> Transport::tls(int fd, Poco::Net::Context::Ptr context) {
    return std::make_unique<TlsTransport>(fd, std::move(context));
}

}  // namespace kiod
