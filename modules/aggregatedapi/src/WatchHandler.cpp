#include "WatchHandler.h"

#include "ApiMetrics.h"
#include "Selection.h"
#include "WatchStream.h"

#include <Poco/Net/HTTPServerResponse.h>

#include <algorithm>

namespace kiod::aggregatedapi {

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// Counts the watch as open for as long as it streams.
class OpenWatch {
public:
    OpenWatch(ApiMetrics* metrics, const ResourceInfo& resource)
        : metrics_(metrics), resource_(resource) {
        if (metrics_) {
            metrics_->watchOpened(resource_);
        }
    }
    ~OpenWatch() {
        if (metrics_) {
            metrics_->watchClosed(resource_);
        }
    }
    OpenWatch(const OpenWatch&) = delete;
    OpenWatch& operator=(const OpenWatch&) = delete;

private:
    ApiMetrics* metrics_;
    const ResourceInfo& resource_;
};

std::optional<long long> parseNumber(const std::string& text) {
    if (text.empty() || text.size() > 18 ||
        text.find_first_not_of("0123456789") != std::string::npos) {
        return std::nullopt;
    }
    return std::stoll(text);
}

}  // namespace

void WatchHandler::watch(ApiRequest& request, const WatchSettings& settings,
                         const std::atomic<bool>& stopping, ApiMetrics* metrics) {
    const auto& resource = request.resource;
    auto format = request.format(false);
    if (!format) {
        format = request.format(true);
    }
    if (!format) {
        format.error().send(request.response);
        return;
    }
    auto selection = Selection::of(request);
    if (!selection) {
        selection.error().send(request.response);
        return;
    }
    if (request.route.query("sendInitialEvents").value_or("") == "true" ||
        request.route.hasQuery("resourceVersionMatch")) {
        ApiError error;
        error.code = 422;
        error.reason = "Invalid";
        error.message =
            "ListOptions.meta.k8s.io \"\" is invalid: sendInitialEvents: Forbidden: "
            "sendInitialEvents is forbidden for watch unless the WatchList feature gate is "
            "enabled";
        error.details.group = "meta.k8s.io";
        error.details.kind = "ListOptions";
        error.details.causes.push_back({"FieldValueForbidden",
                                        "Forbidden: sendInitialEvents is forbidden for watch",
                                        "sendInitialEvents"});
        error.send(request.response);
        return;
    }
    auto start = WatchStream::parseStart(request.route.query("resourceVersion").value_or(""));
    if (!start) {
        start.error().send(request.response);
        return;
    }
    auto timeout = settings.maxTimeout;
    if (auto text = request.route.query("timeoutSeconds"); text && !text->empty()) {
        auto seconds = parseNumber(*text);
        if (!seconds) {
            ApiError::badRequest("timeoutSeconds: invalid value \"" + *text +
                                 "\": must be a non-negative integer")
                .send(request.response);
            return;
        }
        // 0 means unset, as in kube-apiserver.
        if (*seconds > 0) {
            timeout = std::min(timeout, std::chrono::seconds(*seconds));
        }
    }
    auto deadline = Clock::now() + timeout;
    bool bookmarks = request.route.query("allowWatchBookmarks").value_or("") == "true";

    WatchStream stream(resource, selection.value(), format.value());
    auto opened = stream.open(*request.store, start.value());
    if (!opened) {
        opened.error().send(request.response);
        return;
    }

    request.response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_OK);
    request.response.setContentType("application/json");
    request.response.setChunkedTransferEncoding(true);
    auto& out = request.response.send();
    out << opened.value().lines;
    out.flush();
    if (!opened.value().watch) {
        return;  // the lines were its ERROR event
    }
    OpenWatch open(metrics, resource);
    auto& watch = *opened.value().watch;
    auto nextBookmark = Clock::now() + settings.bookmarkInterval;
    constexpr auto kHeartbeat = std::chrono::seconds(5);
    auto nextHeartbeat = Clock::now() + kHeartbeat;
    // Wake at least this often to notice the deadline and kiod stopping.
    constexpr auto kSlice = std::chrono::milliseconds(500);
    bool ended = false;
    while (out && !ended && !stopping.load()) {
        auto now = Clock::now();
        if (now >= deadline) {
            return;
        }
        auto wait = std::min<Clock::duration>({deadline - now, Clock::duration(kSlice)});
        auto line = stream.next(
            watch, std::chrono::duration_cast<std::chrono::milliseconds>(wait) + 1ms, ended);
        if (!line.empty()) {
            out << line;
            out.flush();
        } else if (bookmarks && Clock::now() >= nextBookmark) {
            out << stream.bookmark();
            out.flush();
            nextBookmark = Clock::now() + settings.bookmarkInterval;
        } else if (Clock::now() >= nextHeartbeat) {
            // A client that left is only noticed by writing to it. An empty
            // line is white space between JSON values to client-go's framer
            // and an ignored line to line-splitting clients.
            out << '\n';
            out.flush();
        }
        if (Clock::now() >= nextHeartbeat) {
            nextHeartbeat = Clock::now() + kHeartbeat;
        }
    }
}

}  // namespace kiod::aggregatedapi
