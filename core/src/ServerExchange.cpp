#include "ServerExchange.h"

#include "ChunkedEncoding.h"
#include "DetachedStream.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Exception.h>
#include <Poco/FileStream.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>

#include <ctime>
#include <stdexcept>
#include <streambuf>

namespace kiod {

namespace {

// A worker waits at most this long for a client to take more output.
constexpr std::chrono::seconds kWriteTimeout(30);
// A worker sends what the handler wrote once this much has piled up.
constexpr std::size_t kSendThreshold = 64 * 1024;
// A compute thread waits for the client only when this much is unsent: a
// page of a list fits, a whole collection does not.
constexpr std::size_t kHoldLimit = 8 * 1024 * 1024;

// Sends `connection`'s output as `sending` says; false once the connection
// has failed.
bool sendOutput(Connection& connection, Sending sending) {
    switch (sending) {
        case Sending::kAfterwards:
            return !connection.failed;
        case Sending::kWaiting:
            return connection.flushAll(kWriteTimeout);
        case Sending::kWithoutWaiting:
            if (connection.flush() == Connection::Flush::kFailed) {
                return false;
            }
            return connection.output.size() - connection.outputSent <= kHoldLimit ||
                   connection.flushAll(kWriteTimeout);
    }
    return false;
}

// The Date header changes once a second; formatting it per response would
// cost more than the rest of a small response.
const std::string& httpDate() {
    thread_local std::time_t cachedSecond = 0;
    thread_local std::string cached;
    std::time_t now = std::time(nullptr);
    if (now != cachedSecond) {
        cachedSecond = now;
        cached = Poco::DateTimeFormatter::format(Poco::Timestamp::fromEpochTime(now),
                                                 Poco::DateTimeFormat::HTTP_FORMAT);
    }
    return cached;
}

}  // namespace

// The body of a response as an ostream: identity or chunked encoding into
// the connection's output, or nothing for HEAD.
class BodyStreamBuf : public std::streambuf {
public:
    BodyStreamBuf(Connection& connection, bool chunked, Sending sending, bool discard)
        : connection_(connection), chunked_(chunked), sending_(sending), discard_(discard) {
        setp(buffer_, buffer_ + sizeof buffer_);
    }

    // Writes what is buffered and, for chunked bodies, the last chunk.
    void finish() {
        drain();
        if (chunked_ && !discard_) {
            connection_.output += kLastChunk;
        }
    }

protected:
    int_type overflow(int_type c) override {
        if (!drain()) {
            return traits_type::eof();
        }
        if (!traits_type::eq_int_type(c, traits_type::eof())) {
            *pptr() = traits_type::to_char_type(c);
            pbump(1);
        }
        return traits_type::not_eof(c);
    }

    int sync() override { return drain() && sendOutput(connection_, sending_) ? 0 : -1; }

private:
    bool drain() {
        auto length = static_cast<std::size_t>(pptr() - pbase());
        setp(buffer_, buffer_ + sizeof buffer_);
        if (connection_.failed) {
            return false;
        }
        if (length == 0 || discard_) {
            return true;
        }
        auto& out = connection_.output;
        if (chunked_) {
            appendChunk(out, std::string_view(buffer_, length));
        } else {
            out.append(buffer_, length);
        }
        return out.size() - connection_.outputSent <= kSendThreshold ||
               sendOutput(connection_, sending_);
    }

    Connection& connection_;
    bool chunked_;
    Sending sending_;
    bool discard_;
    char buffer_[8192];
};

ServerResponse::ServerResponse(Connection& connection, Sending sending, bool headRequest)
    : connection_(connection), sending_(sending), headRequest_(headRequest) {
    setVersion(HTTP_1_1);
    set("Date", httpDate());
}

ServerResponse::~ServerResponse() = default;

void ServerResponse::writeHead() {
    if (sent_) {
        throw Poco::IllegalStateException("response already sent");
    }
    sent_ = true;
    std::ostringstream head;
    write(head);
    connection_.output += head.str();
}

void ServerResponse::sendContinue() {
    connection_.output += "HTTP/1.1 100 Continue\r\n\r\n";
    connection_.continueSent = true;
    sendOutput(connection_, sending_);
}

std::ostream& ServerResponse::send() {
    bool chunked = getChunkedTransferEncoding();
    if (!chunked && !hasContentLength()) {
        // HTTP/1.0 style: the body ends when the connection closes.
        delimited_ = false;
        setKeepAlive(false);
    }
    writeHead();
    body_ = std::make_unique<BodyStreamBuf>(connection_, chunked, sending_, headRequest_);
    stream_ = std::make_unique<std::ostream>(body_.get());
    return *stream_;
}

void ServerResponse::sendFile(const std::string& path, const std::string& mediaType) {
    Poco::FileInputStream file(path);
    std::string content;
    Poco::StreamCopier::copyToString(file, content);
    setContentType(mediaType);
    sendBuffer(content.data(), content.size());
}

void ServerResponse::sendBuffer(const void* buffer, std::size_t length) {
    setContentLength64(static_cast<Poco::Int64>(length));
    setChunkedTransferEncoding(false);
    writeHead();
    if (!headRequest_) {
        connection_.output.append(static_cast<const char*>(buffer), length);
    }
}

void ServerResponse::redirect(const std::string& uri, HTTPStatus status) {
    setStatusAndReason(status);
    set("Location", uri);
    sendBuffer(nullptr, 0);
}

void ServerResponse::requireAuthentication(const std::string& realm) {
    setStatusAndReason(HTTP_UNAUTHORIZED);
    set("WWW-Authenticate", "Basic realm=\"" + realm + "\"");
    sendBuffer(nullptr, 0);
}

std::shared_ptr<ResponseStream> ServerResponse::detach(StreamOptions options) {
    if (sent_) {
        throw std::logic_error("detach: the response was already sent");
    }
    bool chunked = getVersion() == HTTP_1_1;
    setContentLength(UNKNOWN_CONTENT_LENGTH);
    setChunkedTransferEncoding(chunked);
    if (!chunked) {
        delimited_ = false;
        setKeepAlive(false);
    }
    writeHead();
    auto stream = headRequest_ ? DetachedStream::completed()
                               : std::make_shared<DetachedStream>(chunked, std::move(options));
    if (!headRequest_) {
        connection_.stream = stream;
    }
    // Handlers hold the stream through this handle; when the last of them
    // lets go of an open stream, the body ends as with close(), so that a
    // handler that throws or forgets cannot leave a client waiting forever.
    return std::shared_ptr<ResponseStream>(stream.get(),
                                           [stream](ResponseStream*) { stream->close(); });
}

std::shared_ptr<DeferredResponse> ServerResponse::defer() {
    if (sent_ || connection_.deferral) {
        throw std::logic_error("defer: the response was already sent or deferred");
    }
    auto deferral =
        std::make_shared<Deferral>(Deferral::Request{getVersion(), getKeepAlive(), headRequest_});
    connection_.deferral = deferral;
    // As with detach(): a handler that lets go of the response without
    // answering must not leave its client waiting forever.
    return std::shared_ptr<DeferredResponse>(
        deferral.get(), [deferral](DeferredResponse*) { deferral->abandon(); });
}

bool ServerResponse::finish() {
    if (!sent_) {
        sendBuffer(nullptr, 0);
    }
    if (stream_) {
        stream_->flush();
        body_->finish();
    }
    return delimited_ && getKeepAlive() && !connection_.failed;
}

ServerRequest::ServerRequest(ParsedRequest& parsed, const Connection& connection,
                             ServerResponse& response, const Poco::Net::HTTPServerParams& params)
    : connection_(connection), response_(response), params_(params), body_(std::move(parsed.body)) {
    setMethod(parsed.method);
    setURI(parsed.target);
    setVersion(parsed.version);
    for (auto& [name, value] : parsed.headers) {
        add(name, value);
    }
}

bool ServerRequest::wantsKeepAlive() const {
    // A copy: get() returns a reference to the default when the header is absent.
    std::string connection = get("Connection", "");
    if (getVersion() == HTTP_1_1) {
        return Poco::icompare(connection, "close") != 0;
    }
    return Poco::icompare(connection, "keep-alive") == 0;
}

}  // namespace kiod
