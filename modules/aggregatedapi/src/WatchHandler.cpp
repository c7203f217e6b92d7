#include "WatchHandler.h"

#include "Selection.h"
#include "WatchDispatcher.h"
#include "WatchStream.h"

#include <Poco/Net/HTTPServerResponse.h>

#include <algorithm>

namespace kiod::aggregatedapi {

namespace {

using Clock = std::chrono::steady_clock;

// Bounds what a watch may have written and its client not yet taken: a
// thousand watches at the bound hold 1000 times this. Past it the client
// is too slow; its stream ends and it watches again.
constexpr std::size_t kMaxUnsent = 1024 * 1024;
// The opening goes out in writes of about this much, each waiting for room.
constexpr std::size_t kOpeningChunk = 64 * 1024;
// How long a client may take to read one chunk of the opening.
constexpr auto kOpeningPatience = std::chrono::seconds(30);

// Writes `lines` in chunks that end at line ends, each once the client has
// taken enough of the ones before. False when the stream ended meanwhile.
bool writePaced(ResponseStream& stream, const std::string& lines) {
    std::size_t start = 0;
    while (start < lines.size()) {
        auto end = std::min(lines.size(), start + kOpeningChunk);
        if (end < lines.size()) {
            auto lineEnd = lines.find('\n', end);
            end = lineEnd == std::string::npos ? lines.size() : lineEnd + 1;
        }
        auto chunk = std::string_view(lines).substr(start, end - start);
        if (!stream.waitForRoom(chunk.size(), kOpeningPatience) || !stream.write(chunk)) {
            return false;
        }
        start = end;
    }
    return true;
}

std::optional<long long> parseNumber(const std::string& text) {
    if (text.empty() || text.size() > 18 ||
        text.find_first_not_of("0123456789") != std::string::npos) {
        return std::nullopt;
    }
    return std::stoll(text);
}

}  // namespace

void WatchHandler::watch(ApiRequest& request, const WatchSettings& settings,
                         WatchDispatcher& dispatcher) {
    const auto& resource = request.resource;
    // Events carry single objects: the object formats first, then the
    // list ones.
    auto format = request.format(false);
    auto query = CollectionQuery::of(request, format ? std::move(format) : request.format(true));
    if (!query) {
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

    WatchStream stream(resource, query->selection, query->format);
    auto opened = stream.open(*request.store, start.value());
    if (!opened) {
        opened.error().send(request.response);
        return;
    }

    request.response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_OK);
    request.response.setContentType("application/json");
    StreamOptions streamOptions;
    streamOptions.maxUnsent = kMaxUnsent;
    auto response = request.route.detach(request.response, std::move(streamOptions));
    auto& watch = opened.value().watch;
    if (!writePaced(*response, opened.value().lines) || !watch) {
        response->close();  // without a watch, the lines were its ERROR event
        return;
    }
    // The change log since the watch's resourceVersion, read here on a
    // worker (it may be long, and reading it touches the disk), up to the
    // revision current now; the dispatcher's one thread takes the rest.
    auto caughtUp = request.store->currentRevision();
    std::string lines;
    bool ended = false;
    while (stream.seen() < caughtUp && !ended) {
        auto line = stream.next(*watch, std::chrono::milliseconds(0), ended);
        if (!line) {
            break;
        }
        lines += *line;
        if (lines.size() >= kOpeningChunk || ended) {
            if (!writePaced(*response, lines)) {
                return;
            }
            lines.clear();
        }
    }
    if (ended || !writePaced(*response, lines)) {
        response->close();
        return;
    }
    auto session = std::make_unique<WatchSession>(
        WatchSession{std::move(watch), std::move(stream), std::move(response), deadline,
                     bookmarks ? std::optional(settings.bookmarkInterval) : std::nullopt,
                     Clock::now() + settings.bookmarkInterval});
    dispatcher.adopt(resource, std::move(session));
}

}  // namespace kiod::aggregatedapi
