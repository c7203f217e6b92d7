#pragma once

#include <functional>

namespace Poco::Net {
class HTTPServerResponse;
}  // namespace Poco::Net

namespace kiod {

// A response its handler finishes after returning, from any thread: what a
// handler that waits for something (a commit) hands out instead of holding
// a thread while it waits. See RouteRequest::defer.
class DeferredResponse {
public:
    using Write = std::function<void(Poco::Net::HTTPServerResponse& response)>;

    virtual ~DeferredResponse() = default;

    // Has `write` answer the request, soon, on the event loop that owns the
    // connection: it sets the status, headers and body of `response` as a
    // handler would, and must not block (an exception in it answers 500).
    // Only the first call counts. If the client has gone, nothing is
    // written. When the last handle to a response never completed goes,
    // the request is answered 500.
    virtual void complete(Write write) = 0;

    // Calls `answered` with the response's status once it is written (or
    // with 0 if the client went away first): for a request's metrics. Call
    // before complete().
    virtual void whenAnswered(std::function<void(int status)> answered) = 0;
};

}  // namespace kiod
