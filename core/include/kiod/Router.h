#pragma once

#include <kiod/DeferredResponse.h>
#include <kiod/RequestObserver.h>
#include <kiod/ResponseStream.h>
#include <kiod/UserInfo.h>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace Poco::Net {
class HTTPServerRequest;
class HTTPServerResponse;
}  // namespace Poco::Net

namespace kiod {

// The decoded parameters of a request's query string; a parameter given
// without `=` has an empty value, repeated ones keep every value.
using QueryParameters = std::multimap<std::string, std::string, std::less<>>;

// The values a route's pattern captured, `{name}` by `{name}`.
using PathParameters = std::vector<std::pair<std::string, std::string>>;

// The value captured by `{name}`. Asking for a name the pattern does not
// have is a programming error (std::logic_error).
const std::string& pathParameter(const PathParameters& path, std::string_view name);

// A request as a route handler sees it: the Poco request, the path
// parameters the pattern captured, the decoded query parameters and the
// user who sent it.
class RouteRequest {
public:
    // `user` null means system:anonymous.
    RouteRequest(Poco::Net::HTTPServerRequest& http, std::string_view listener,
                 std::string_view path, std::string_view query, PathParameters params,
                 const UserInfo* user = nullptr);

    Poco::Net::HTTPServerRequest& http() { return http_; }
    std::string_view listener() const { return listener_; }
    std::string_view path() const { return path_; }

    // Who sent the request, as the listener's authentication established
    // it; system:anonymous on an open listener (docs/CONFIGURATION.md,
    // auth.*). The listener has already authorized the request: a handler
    // sees only requests its user may make. The X-Remote-* headers are
    // gone from http() by then.
    const UserInfo& user() const;

    // The value captured by `{name}` in the route's pattern. Asking for a
    // name the pattern does not have is a programming error (std::logic_error).
    const std::string& param(std::string_view name) const;

    // Decoded query parameters; a parameter given without `=` (`?verbose`)
    // is present with an empty value. Repeated ones keep every value.
    bool hasQuery(std::string_view name) const;
    std::optional<std::string> query(std::string_view name) const;
    std::vector<std::string> queryAll(std::string_view name) const;

    // Turns `response` (this request's) into a stream that outlives the
    // handler (see ResponseStream.h): sends the status and headers set so
    // far with `Transfer-Encoding: chunked`, and returns the stream. The
    // handler should then return promptly, without writing to `response`;
    // its worker is free and the stream is served by the event loop.
    // Request observers see the request once, when the handler returns.
    // Throws std::logic_error if the response was already sent or is not
    // one of kiod's listeners' responses.
    std::shared_ptr<ResponseStream> detach(Poco::Net::HTTPServerResponse& response,
                                           StreamOptions options = {});

    // Lets the handler return before its answer is known without holding a
    // thread: the answer comes later, from any thread, through the returned
    // handle (DeferredResponse::complete). The request stays in flight until
    // then: the connection serves no other request, and request observers
    // see it once, with the status it was answered with. Null when
    // `response` is not this request's response on a kiod listener (a
    // test's): then the handler answers as usual. Throws std::logic_error if
    // the response was already sent.
    std::shared_ptr<DeferredResponse> defer(Poco::Net::HTTPServerResponse& response);

private:
    void parseQuery() const;

    Poco::Net::HTTPServerRequest& http_;
    std::string_view listener_;
    std::string_view path_;
    std::string_view rawQuery_;
    PathParameters params_;
    const UserInfo* user_;
    mutable bool queryParsed_ = false;
    mutable QueryParameters query_;
};

using RouteHandler = std::function<void(RouteRequest&, Poco::Net::HTTPServerResponse&)>;

// Where a handler runs.
enum class Execution {
    // On the listener's worker pool: free to block (disk, locks, waiting for
    // a commit). A response that streams for minutes (a watch) should be
    // detached (RouteRequest::detach) rather than hold a worker that long.
    kWorker,
    // On the event loop that read the request, for handlers that never
    // block and finish in microseconds (health, metrics): this saves two
    // thread switches per request, but a slow handler here stalls every
    // connection of that loop.
    kEventLoop,
    // On the listener's compute pool, one thread per CPU (`compute_threads`),
    // first come first served: handlers that only need the CPU for a while,
    // such as a page of a list. Their output is sent as the socket takes it
    // and the event loop sends the rest, so a client that reads slowly holds
    // no thread. A handler here must not wait for anything (a commit, a
    // client, another server): the few threads would all be waiting. Where a
    // worker pool as wide as the requests in flight would share the CPU
    // among all of them, and finish every one late, this finishes them in
    // turn.
    kCompute,
};

// Where each request of a route runs, for routes whose requests differ in
// what they wait for: a Kubernetes collection's GET computes a list page
// (kCompute) or holds a watch open (kWorker), as its query says; a POST
// that the catalog answers later may run on the event loop.
using ExecutionSelector =
    std::function<Execution(const PathParameters& path, const QueryParameters& query)>;

// Where modules mount their HTTP handlers. Patterns are paths whose segments
// are literals or `{name}` parameters (`/apis/{group}/{version}`); a literal
// segment wins over a parameter, so `/readyz/verbose` could be served beside
// `/readyz/{check}`. A path that matches no pattern gets a 404 Status, a path
// that matches with another method a 405 Status with `Allow`. HEAD is served
// by the GET route. Mount only during initialize: the table is frozen once
// the listeners open.
class Router {
public:
    virtual ~Router() = default;

    virtual bool hasListener(const std::string& listener) const = 0;

    // Throws std::invalid_argument for an unknown listener, a malformed
    // pattern or a method and pattern mounted twice on the listener.
    virtual void mount(const std::string& listener, const std::string& method,
                       const std::string& pattern, RouteHandler handler,
                       Execution execution = Execution::kWorker) = 0;
    // The same, with the place chosen per request.
    virtual void mount(const std::string& listener, const std::string& method,
                       const std::string& pattern, RouteHandler handler,
                       ExecutionSelector select) = 0;

    // Observers see every request on every listener, in the order added.
    virtual void addObserver(std::shared_ptr<RequestObserver> observer) = 0;
};

}  // namespace kiod
