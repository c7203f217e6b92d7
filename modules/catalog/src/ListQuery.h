#pragma once

#include "ContinueToken.h"
#include "LabelSelector.h"

#include <kiod/catalog/ObjectStore.h>

#include <string>
#include <vector>

namespace kiod::catalog {

// The SQL for one page of a list: one index range drives it (an equality on
// a label, through labels' primary key in name order or labels_by_id newest
// first; otherwise the objects index that fits), and a keyset condition
// starts it after the previous page. Selects id, namespace, name, uid,
// revision, json.
struct ListQuery {
    std::string sql;
    // ?1 is the pinned revision; these bind ?2, ?3, ...
    std::vector<std::string> parameters;
    // The selector's requirements the SQL does not apply: the caller
    // checks them against each row's labels, and the SQL then has no LIMIT.
    std::vector<LabelSelector::Requirement> residual;

    static ListQuery build(const ListOptions& options, const LabelSelector& selector,
                           const ContinueToken* from);
};

}  // namespace kiod::catalog
