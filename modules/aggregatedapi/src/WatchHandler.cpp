#include "WatchHandler.h"

#include "ApiMetrics.h"
#include "Selection.h"
#include "WatchStream.h"

#include <Poco/Net/HTTPServerResponse.h>

#include <algorithm>

namespace kiod::aggregatedapi {

namespace {

using Clock = std::chrono::steady_clock;

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
    auto rvText = request.route.query("resourceVersion").value_or("");
    bool fromNow = rvText.empty() || rvText == "0";
    catalog::Revision after = 0;
    if (!fromNow) {
        auto rv = parseNumber(rvText);
        if (!rv) {
            ApiError::badRequest("resourceVersion: invalid value \"" + rvText +
                                 "\": must be an integer")
                .send(request.response);
            return;
        }
        after = static_cast<catalog::Revision>(*rv);
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
    std::string opening;
    if (fromNow || !selection.value().fields().requirements().empty()) {
        // The starting state: announced (synthetic ADDED) when the client
        // gave no resourceVersion; otherwise only read to know which objects
        // match the requirements checked here.
        auto options = selection.value().listOptions(resource);
        options.state.clear();  // the stream checks state, so it sees every transition
        options.limit = 500;
        catalog::Revision listed = 0;
        if (!selection.value().empty()) {
            do {
                auto page = request.store->list(options);
                if (!page) {
                    ApiError::fromStatus(page.status(), resource, "").send(request.response);
                    return;
                }
                listed = page->revision;
                for (const auto& item : page->items) {
                    opening += stream.initial(item, fromNow);
                }
                options.continueToken = page->continueToken;
            } while (!options.continueToken.empty());
        } else {
            listed = request.store->currentRevision();
        }
        if (fromNow) {
            after = listed;
        }
    }
    auto watchOptions = selection.value().watchOptions(resource);
    watchOptions.after = after;
    auto storeWatch = request.store->watch(watchOptions);

    request.response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_OK);
    request.response.setContentType("application/json");
    request.response.setChunkedTransferEncoding(true);
    auto& out = request.response.send();
    if (!storeWatch) {
        auto status = storeWatch.status();
        out << WatchStream::error(status.code() == StatusCode::kExpired
                                      ? WatchStream::tooOld()
                                      : ApiError::fromStatus(status, resource, ""));
        out.flush();
        return;
    }
    OpenWatch open(metrics, resource);
    out << opening;
    out.flush();
    auto& watch = *storeWatch.value();
    auto nextBookmark = Clock::now() + settings.bookmarkInterval;
    // A bookmark names the last revision this stream has seen from the
    // store, never the store's current one: an event committed but not yet
    // pulled would otherwise be skipped by a client resuming from it.
    catalog::Revision seen = after;
    constexpr auto kHeartbeat = std::chrono::seconds(5);
    auto nextHeartbeat = Clock::now() + kHeartbeat;
    // Wake at least this often to notice the deadline and kiod stopping.
    constexpr auto kSlice = std::chrono::milliseconds(500);
    while (out && !stopping.load()) {
        auto now = Clock::now();
        if (now >= deadline) {
            return;
        }
        auto wait = std::min<Clock::duration>({deadline - now, Clock::duration(kSlice)});
        auto event = watch.next(std::chrono::duration_cast<std::chrono::milliseconds>(wait) +
                                std::chrono::milliseconds(1));
        if (!event) {
            auto status = event.status();
            out << WatchStream::error(status.code() == StatusCode::kExpired
                                          ? WatchStream::tooOld()
                                          : ApiError::fromStatus(status, resource, ""));
            out.flush();
            return;
        }
        if (event.value()) {
            seen = std::max(seen, event.value()->object.revision);
            auto text = stream.encode(*event.value());
            if (!text.empty()) {
                out << text;
                out.flush();
            }
        } else if (bookmarks && Clock::now() >= nextBookmark) {
            out << stream.bookmark(seen);
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
