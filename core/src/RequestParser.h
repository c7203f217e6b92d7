#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kiod {

// One HTTP/1.1 request as read off a connection.
struct ParsedRequest {
    std::string method;
    std::string target;   // origin-form: /path?query
    std::string version;  // HTTP/1.0 or HTTP/1.1
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    bool expectContinue = false;
};

// What a listener accepts of one request: [listener.NAME] max_header_size,
// max_url_size and max_body_size.
struct RequestLimits {
    std::size_t maxHeaderBytes = 64 * 1024;      // request line and header fields (431)
    std::size_t maxUrlBytes = 16 * 1024;         // the request target (414)
    std::size_t maxBodyBytes = 8 * 1024 * 1024;  // Content-Length (413)

    // The most bytes one request can take on the wire.
    std::size_t maxRequestBytes() const { return maxHeaderBytes + maxBodyBytes; }
};

// Reads requests incrementally from the bytes a connection has received: a
// request line, header fields up to a blank line, then Content-Length bytes
// of body. Limits protect the server from a client that never stops
// sending; each violation has the status code the client should get.
class RequestParser {
public:
    enum class State {
        kIncomplete,    // needs more bytes
        kHeadComplete,  // head read; the body is still arriving (for 100-continue)
        kComplete,      // request() is ready; consumed() bytes belong to it
        kError,         // errorStatus() says why; the connection must close
    };

    explicit RequestParser(const RequestLimits& limits = {}) : limits_(limits) {}

    const RequestLimits& limits() const { return limits_; }

    // Parses from the start of `input` (which begins at the first byte of a
    // request). Call again with more bytes while kIncomplete or
    // kHeadComplete; the head is parsed once.
    State parse(std::string_view input);

    const ParsedRequest& request() const { return request_; }
    ParsedRequest& request() { return request_; }
    // Bytes of `input` that make up the complete request.
    std::size_t consumed() const { return headBytes_ + bodyBytes_; }
    // 400, 413, 414, 431, 501 or 505, with a reason for the error body.
    int errorStatus() const { return errorStatus_; }
    const std::string& errorReason() const { return errorReason_; }

    void reset();

private:
    State fail(int status, std::string reason);
    State headTooLarge();
    State urlTooLong();
    State parseHead(std::string_view head);
    // 414 as soon as the request line shows a target longer than allowed,
    // before the rest of the head arrives; looks at each byte once.
    State checkRequestLine(std::string_view input);

    RequestLimits limits_;
    ParsedRequest request_;
    bool headDone_ = false;
    // Bytes of the head searched for its end so far: a head that arrives
    // byte by byte is not searched again from the start for each byte.
    std::size_t headScanned_ = 0;
    bool requestLineChecked_ = false;
    std::size_t headBytes_ = 0;
    std::size_t bodyBytes_ = 0;
    int errorStatus_ = 0;
    std::string errorReason_;
};

}  // namespace kiod
