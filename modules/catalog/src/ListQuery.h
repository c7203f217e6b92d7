#pragma once

#include "ContinueToken.h"
#include "LabelSelector.h"

#include <kiod/catalog/ObjectStore.h>

#include <string>
#include <vector>

namespace kiod::catalog {

// The SQL for one page of a list: one index range drives it (an equality on
// a label, through labels' (key, value, object_id); otherwise the objects
// index that fits), the rest of the selector filters it with look-ups by
// object id, and a keyset condition starts it after the previous page.
// Selects id, namespace, name, uid, revision, json.
struct ListQuery {
    std::string sql;
    // ?1 is the pinned revision; these bind ?2, ?3, ...
    std::vector<std::string> parameters;

    static ListQuery build(const ListOptions& options, const LabelSelector& selector,
                           const ContinueToken* from);
};

}  // namespace kiod::catalog
