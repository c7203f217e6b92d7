#pragma once

#include "Deferral.h"
#include "DetachedStream.h"
#include "RequestParser.h"
#include "Transport.h"

#include <Poco/Net/SocketAddress.h>

#include <chrono>
#include <memory>
#include <string>

namespace kiod {

// One accepted connection and its buffers. Its event loop owns it; while a
// worker runs a request on it (`busy`), only that worker touches it.
struct Connection {
    Connection(int fd, std::unique_ptr<Transport> transport, Poco::Net::SocketAddress client,
               Poco::Net::SocketAddress server, const RequestLimits& limits)
        : fd(fd), transport(std::move(transport)), client(client), server(server), parser(limits) {}

    enum class Flush { kDone, kPending, kFailed };

    // Sends what the socket takes now, without waiting.
    Flush flush();
    // Sends all pending output, waiting for the socket when it is full, for
    // at most `timeout` at a time. Workers only: it blocks.
    bool flushAll(std::chrono::milliseconds timeout);
    bool hasOutput() const { return outputSent < output.size(); }

    const int fd;
    const std::unique_ptr<Transport> transport;
    const Poco::Net::SocketAddress client;
    const Poco::Net::SocketAddress server;

    std::string input;   // received, not yet consumed by a request
    std::string output;  // to send, from outputSent on
    std::size_t outputSent = 0;
    RequestParser parser;
    bool continueSent = false;  // answered Expect: 100-continue for this request
    bool closeAfterOutput = false;
    bool failed = false;  // the transport failed; close without more I/O
    bool busy = false;
    // Waiting for the socket to become writable (flush returned kPending).
    bool wantsWrite = false;
    // TLS can need to read before it can write (a key update); then the
    // socket must become readable, not writable.
    bool writeNeedsRead = false;
    std::chrono::steady_clock::time_point deadline;
    // When the request being received began: at accept for the first (so
    // that the TLS handshake counts), then at its first byte; unset (the
    // epoch) between requests. The whole request must arrive within the
    // read timeout from here, however steadily its bytes trickle in.
    std::chrono::steady_clock::time_point requestBegan;
    // The response detached from its handler (RouteRequest::detach), while
    // its body is open. Requests that follow wait in `input` until it ends,
    // and timeouts do not apply.
    std::shared_ptr<DetachedStream> stream;
    // The answer a handler deferred (RouteRequest::defer), until it comes.
    // Requests that follow wait in `input`, and timeouts do not apply.
    std::shared_ptr<Deferral> deferral;
};

}  // namespace kiod
