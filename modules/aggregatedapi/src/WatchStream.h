#pragma once

#include "ApiError.h"
#include "ApiRequest.h"
#include "ResourceTable.h"
#include "ResponseFormat.h"
#include "Selection.h"

#include <kiod/catalog/ObjectStore.h>

#include <chrono>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>

namespace kiod::aggregatedapi {

// The watch protocol, apart from any transport: where a watch starts (the
// synthetic ADDED events of the current objects, or changes after a
// resourceVersion), and the store's events turned into the lines of a
// Kubernetes watch (one compact JSON WatchEvent per line:
// ADDED, MODIFIED, DELETED, BOOKMARK, ERROR), in the negotiated format (the
// object, a one-row Table with column definitions in the first event only,
// or PartialObjectMetadata), without the details subtree.
//
// Field requirements the store does not filter on (status.state, `!=`) are
// applied here, with the transitions of kube-apiserver's watch cache: an
// object that starts matching comes as ADDED, one that stops matching as
// DELETED. The store does the same for label selectors on live changes
// (catalog::Watch), but not while it replays its change log.
class WatchStream {
public:
    // Where a watch starts, from ?resourceVersion: unset or "0" means "the
    // current objects as synthetic ADDED events, then changes"; N means
    // "changes after N, no synthetic events" (kubectl lists, then watches
    // from the list's resourceVersion).
    struct Start {
        bool fromNow = true;
        catalog::Revision after = 0;
    };
    // BadRequest for anything but an unsigned integer.
    static ApiResult<Start> parseStart(const std::string& resourceVersion);

    // The store's watch, opened where `start` says, and the lines to send
    // first: the synthetic ADDED events, or a single ERROR event (410 when
    // the start is older than the change log) with no watch.
    struct Opened {
        std::unique_ptr<catalog::Watch> watch;
        std::string lines;
    };
    // A failure to read the starting state is an ApiError, answered before
    // streaming.
    ApiResult<Opened> open(catalog::ObjectStore& store, Start start);

    // Pulls the next event within `timeout`: nullopt when none came; else
    // its line, empty when the client does not see it. `ended` is set, and
    // the line is an ERROR event, when the store's watch failed (dropped,
    // compacted past).
    std::optional<std::string> next(catalog::Watch& watch, std::chrono::milliseconds timeout,
                                    bool& ended);

    WatchStream(const ResourceInfo& resource, Selection selection, ResponseFormat format);

    // An object of the starting state: the line of its synthetic ADDED
    // (when `announce`, i.e. the watch started without a resourceVersion),
    // and in any case remembered as matching. Empty when it does not match.
    std::string initial(const catalog::StoredObject& object, bool announce);
    // The line for a change, or empty when the client does not see it.
    std::string encode(const catalog::WatchEvent& event);
    std::string bookmark(catalog::Revision revision) const;
    // A bookmark at the last revision this stream has taken from the store
    // (never the store's current one: an event committed but not yet pulled
    // would be skipped by a client resuming from it).
    std::string bookmark() const { return bookmark(seen_); }
    catalog::Revision seen() const { return seen_; }
    // The ERROR event that ends a watch (410 Expired when too old).
    static std::string error(const ApiError& error);
    static ApiError tooOld();

private:
    std::string line(const char* type, const std::string& json);
    bool tracksMatches() const { return !selection_.fields().requirements().empty(); }

    const ResourceInfo& resource_;
    Selection selection_;
    ResponseFormat format_;
    bool columnsSent_ = false;
    catalog::Revision seen_ = 0;
    // Objects the client currently holds as matching, when some requirement
    // is checked here (so that one that stops matching goes as DELETED).
    std::set<std::pair<std::string, std::string>> matching_;
};

}  // namespace kiod::aggregatedapi
