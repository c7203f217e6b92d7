#pragma once

#include <kiod/Status.h>
#include <kiod/catalog/ObjectStore.h>

#include <cstdint>
#include <string>

namespace kiod::catalog {

// Where the next page of a list starts, and the revision every page of the
// list is read at. Opaque to clients: base64url of a small JSON object.
struct ContinueToken {
    Revision revision = 0;
    ListOptions::Order order = ListOptions::Order::kByName;
    // The last item of the previous page: (ns, name) for kByName, id (its
    // creating revision) for kNewestFirst.
    std::string ns;
    std::string name;
    std::int64_t id = 0;

    std::string encode() const;
    // BadRequest for anything that is not a token this store made.
    static Result<ContinueToken> decode(const std::string& text);
};

}  // namespace kiod::catalog
