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

    static constexpr std::size_t kMaxHeadBytes = 64 * 1024;
    static constexpr std::size_t kMaxBodyBytes = 8 * 1024 * 1024;

    // Parses from the start of `input` (which begins at the first byte of a
    // request). Call again with more bytes while kIncomplete or
    // kHeadComplete; the head is parsed once.
    State parse(std::string_view input);

    const ParsedRequest& request() const { return request_; }
    ParsedRequest& request() { return request_; }
    // Bytes of `input` that make up the complete request.
    std::size_t consumed() const { return headBytes_ + bodyBytes_; }
    // 400, 413, 431 or 501, with a reason for the error body.
    int errorStatus() const { return errorStatus_; }
    const std::string& errorReason() const { return errorReason_; }

    void reset();

private:
    State fail(int status, std::string reason);
    State parseHead(std::string_view head);

    ParsedRequest request_;
    bool headDone_ = false;
    std::size_t headBytes_ = 0;
    std::size_t bodyBytes_ = 0;
    int errorStatus_ = 0;
    std::string errorReason_;
};

}  // namespace kiod
