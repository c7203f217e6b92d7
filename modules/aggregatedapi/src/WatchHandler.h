#pragma once

#include "ApiRequest.h"

#include <chrono>

namespace kiod::aggregatedapi {

class WatchDispatcher;

struct WatchSettings {
    // A watch without timeoutSeconds ends after this (clients watch again
    // from their last resourceVersion); timeoutSeconds is capped by it.
    std::chrono::seconds maxTimeout{1800};
    // How often an idle watch that allows bookmarks gets one.
    std::chrono::seconds bookmarkInterval{60};
};

// ?watch=true over HTTP: validates the request (failures before streaming
// are plain Status answers), opens the store's watch, detaches the response
// and writes the watch's opening (the synthetic ADDED events, or the change
// log since its resourceVersion) on this worker, paced to the client; then
// hands the watch to `dispatcher`, which streams its live events without a
// thread of its own, and returns.
class WatchHandler {
public:
    static void watch(ApiRequest& request, const WatchSettings& settings,
                      WatchDispatcher& dispatcher);
};

}  // namespace kiod::aggregatedapi
