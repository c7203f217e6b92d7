#pragma once

#include "ApiError.h"
#include "ResourceTable.h"
#include "ResponseFormat.h"
#include "Selection.h"

#include <kiod/catalog/ObjectStore.h>

#include <optional>
#include <set>
#include <string>
#include <utility>

namespace kiod::aggregatedapi {

// The watch protocol, apart from any transport: turns the store's events
// into the lines of a Kubernetes watch (one compact JSON WatchEvent per line:
// ADDED, MODIFIED, DELETED, BOOKMARK, ERROR), in the negotiated format (the
// object, a one-row Table with column definitions in the first event only,
// or PartialObjectMetadata), without the details subtree.
//
// Field requirements the store does not filter on (status.state, `!=`) are
// applied here, with the transitions of kube-apiserver's watch cache: an
// object that starts matching comes as ADDED, one that stops matching as
// DELETED. The store filters labels on the object as it is now, so a label
// change that makes an object stop matching a label selector is not seen.
class WatchStream {
public:
    WatchStream(const ResourceInfo& resource, Selection selection, ResponseFormat format);

    // An object of the starting state: the line of its synthetic ADDED
    // (when `announce`, i.e. the watch started without a resourceVersion),
    // and in any case remembered as matching. Empty when it does not match.
    std::string initial(const catalog::StoredObject& object, bool announce);
    // The line for a change, or empty when the client does not see it.
    std::string encode(const catalog::WatchEvent& event);
    std::string bookmark(catalog::Revision revision) const;
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
    // Objects the client currently holds as matching, when some requirement
    // is checked here (so that one that stops matching goes as DELETED).
    std::set<std::pair<std::string, std::string>> matching_;
};

}  // namespace kiod::aggregatedapi
