#pragma once

#include "Connection.h"

#include <kiod/ResponseStream.h>

#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <memory>
#include <sstream>

namespace kiod {

class BodyStreamBuf;

// How a response's output leaves while its handler runs.
enum class Sending {
    // All of it by the event loop, once the handler returns: handlers on the
    // loop, which must not block.
    kAfterwards,
    // By the handler's thread whenever the body stream is flushed or a large
    // body piles up, waiting for the client: workers, which stream responses
    // of any size in bounded memory that way.
    kWaiting,
    // By the handler's thread at the same points, but only as much as the
    // socket takes at once; the event loop sends the rest. The thread waits
    // for the client only past a few MiB held: compute threads.
    kWithoutWaiting,
};

// Poco's HTTPServerResponse over a kiod Connection, so that handlers written
// against Poco's interface run on kiod's event loops. Output goes to the
// connection's buffer and leaves as `sending` says, which is how a handler
// streams while it runs; detach() hands the body to the event loop instead.
class ServerResponse : public Poco::Net::HTTPServerResponse {
public:
    ServerResponse(Connection& connection, Sending sending, bool headRequest);
    ~ServerResponse() override;

    void sendContinue() override;
    std::ostream& send() override;
    void sendFile(const std::string& path, const std::string& mediaType) override;
    void sendBuffer(const void* buffer, std::size_t length) override;
    void redirect(const std::string& uri, HTTPStatus status = HTTP_FOUND) override;
    void requireAuthentication(const std::string& realm) override;
    bool sent() const override { return sent_; }

    // Sends the head with a chunked body (HTTP/1.1; unframed until the
    // connection closes for HTTP/1.0) and hands the body to a stream that
    // the connection's event loop serves: see RouteRequest::detach.
    std::shared_ptr<ResponseStream> detach(StreamOptions options);

    // Leaves the answer for later: see RouteRequest::defer. The response
    // then writes nothing, and finish() must not be called.
    std::shared_ptr<DeferredResponse> defer();
    // The deferral, if defer() was called.
    Deferral* deferred() const { return connection_.deferral.get(); }

    // Completes the response: one never sent goes out with an empty body; a
    // chunked body gets its last chunk. Returns whether the connection can
    // carry another request.
    bool finish();

private:
    void writeHead();

    Connection& connection_;
    Sending sending_;
    bool headRequest_;
    bool sent_ = false;
    bool delimited_ = true;  // the client can tell where the body ends
    std::unique_ptr<BodyStreamBuf> body_;
    std::unique_ptr<std::ostream> stream_;
};

// Poco's HTTPServerRequest for a request parsed off a kiod Connection.
class ServerRequest : public Poco::Net::HTTPServerRequest {
public:
    ServerRequest(ParsedRequest& parsed, const Connection& connection, ServerResponse& response,
                  const Poco::Net::HTTPServerParams& params);

    std::istream& stream() override { return body_; }
    const Poco::Net::SocketAddress& clientAddress() const override { return connection_.client; }
    const Poco::Net::SocketAddress& serverAddress() const override { return connection_.server; }
    const Poco::Net::HTTPServerParams& serverParams() const override { return params_; }
    Poco::Net::HTTPServerResponse& response() const override { return response_; }
    bool secure() const override { return connection_.transport->secure(); }

    // Whether the client wants to send another request on this connection.
    bool wantsKeepAlive() const;

private:
    const Connection& connection_;
    ServerResponse& response_;
    const Poco::Net::HTTPServerParams& params_;
    std::istringstream body_;
};

}  // namespace kiod
