#pragma once

#include <kiod/RequestAttributes.h>
#include <kiod/UserInfo.h>

#include <chrono>
#include <string_view>

namespace kiod {

// One finished HTTP request, as observers see it.
struct RequestRecord {
    std::string_view listener;
    std::string_view method;
    // The route pattern that matched (`/readyz/{check}`), never the raw path,
    // so that metric labels stay bounded; "unmatched" for 404s.
    std::string_view route;
    int status = 0;
    std::chrono::nanoseconds duration{};
    std::string_view path;
    std::string_view client;
    // Who sent it; null when authentication refused it (401).
    const UserInfo* user = nullptr;
    // What it asked to do, as authorization saw it.
    const RequestAttributes* attributes = nullptr;
};

// Sees every request on every listener after its response is written: the
// hook for request metrics and access logs. A detached response
// (RouteRequest::detach) is seen once, when its handler returns: `status` as
// sent and `duration` up to the detach, not the stream's lifetime, so that
// latency histograms are not swamped by watches open for minutes. A
// deferred answer (RouteRequest::defer) is seen once it is written, with
// its status and the time until then, on the event loop that wrote it.
// Runs on the request's threads, so it must be quick and must not throw.
class RequestObserver {
public:
    virtual ~RequestObserver() = default;
    virtual void observe(const RequestRecord& record) noexcept = 0;
};

}  // namespace kiod
