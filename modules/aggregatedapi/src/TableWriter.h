#pragma once

#include "ObjectJson.h"
#include "ResourceTable.h"
#include "ResponseFormat.h"

#include <string>

namespace kiod::aggregatedapi {

// meta.k8s.io/v1 Table output (kubectl get's human-readable printing): the
// printer columns of each kind (RESOURCES.md), `-o wide` columns at
// priority 1, and each row's object as includeObject asks.
//
//   actions:         NAME, CREATED AT, STATE, PCT; wide: POLICY, APP
//   restore points:  NAME, CREATED AT, STATE, APP, POLICY
//   passkeys:        NAME, VALID
class TableWriter {
public:
    TableWriter(const ResourceInfo& resource, ResponseFormat::IncludeObject include)
        : resource_(resource), include_(include) {}

    // Adds the row of a stored object (`json` as served, without details).
    void addRow(const std::string& json);
    // The whole Table; without column definitions for a watch event after
    // the first (kubectl keeps the columns it saw).
    std::string finish(const std::string& resourceVersion, const std::string& continueToken,
                       bool withColumns = true) const;

    std::string columnDefinitions() const;

private:
    const ResourceInfo& resource_;
    ResponseFormat::IncludeObject include_;
    std::string rows_;
};

}  // namespace kiod::aggregatedapi
