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

// ?watch=true over HTTP: validates the request (failures before streaming
// are plain Status answers), then streams the lines WatchStream makes as a
// chunked body, flushing each, pulling events from the store's Watch on this
// worker thread until timeoutSeconds, the client leaving, or `stopping`.
class WatchHandler {
public:
    static void watch(ApiRequest& request, const WatchSettings& settings,
                      const std::atomic<bool>& stopping, ApiMetrics* metrics);
};

}  // namespace kiod::aggregatedapi
