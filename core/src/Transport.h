#pragma once

#include "auth/PeerCertificate.h"

#include <Poco/Net/Context.h>

#include <cstddef>
#include <memory>
#include <optional>

using SSL = struct ssl_st;

namespace kiod {

// Non-blocking byte transport of one accepted connection: the socket itself,
// or TLS over it. The event loop and the workers only see this.
class Transport {
public:
    enum class Status { kOk, kWantRead, kWantWrite, kClosed, kError };
    struct Result {
        Status status;
        std::size_t bytes = 0;
    };

    virtual ~Transport() = default;
    virtual Result read(char* buffer, std::size_t length) = 0;
    virtual Result write(const char* buffer, std::size_t length) = 0;
    // Ends the connection politely (TLS close_notify, TCP FIN); best effort.
    // Whether bytes received from the socket wait inside the transport for
    // read() (TLS records already taken in): epoll cannot report them.
    virtual bool holdsUnread() const { return false; }
    virtual void shutdown() = 0;
    virtual bool secure() const = 0;
    // The client certificate TLS verified on this connection, if any.
    virtual std::optional<PeerCertificate> peerCertificate() const { return std::nullopt; }

    // Takes ownership of `fd` (already non-blocking) and closes it on
    // destruction. With `tls`, performs the server side of a TLS handshake
    // on the first reads, and keeps `tls` for as long as the connection
    // lasts (a certificate reload replaces the listener's).
    static std::unique_ptr<Transport> plain(int fd);
    static std::unique_ptr<Transport> tls(int fd, Poco::Net::Context::Ptr tls);
};

}  // namespace kiod
