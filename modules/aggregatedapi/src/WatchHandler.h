#pragma once

#include "ApiRequest.h"

#include <atomic>
#include <chrono>

namespace kiod::aggregatedapi {

class ApiMetrics;

struct WatchSettings {
    // A watch without timeoutSeconds ends after this (clients watch again
    // from their last resourceVersion); timeoutSeconds is capped by it.
    std::chrono::seconds maxTimeout{1800};
    // How often an idle watch that allows bookmarks gets one.
    std::chrono::seconds bookmarkInterval{60};
};

// ?watch=true over HTTP, the transport only: validates the request
// (failures before streaming are plain Status answers), then sends the lines
// WatchStream makes as a chunked body, flushing each, pulling on this worker
// thread until timeoutSeconds, the client leaving (noticed by an empty line
// every 5 s when idle), or `stopping`; bookmarks when asked for.
//
// Everything else about a watch (start semantics, filtering, encoding) is
// WatchStream's, so that a detached, event-driven transport can replace
// this one without touching it.
class WatchHandler {
public:
    static void watch(ApiRequest& request, const WatchSettings& settings,
                      const std::atomic<bool>& stopping, ApiMetrics* metrics);
};

}  // namespace kiod::aggregatedapi
