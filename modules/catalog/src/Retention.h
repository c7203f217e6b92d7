#pragma once

#include "SqliteObjectStore.h"

#include <cstdint>
#include <string>
#include <vector>

namespace kiod::catalog {

struct RetentionSettings {
    // Finished actions kept per kind; older ones are removed. 0: keep all.
    int finishedActions = 1000;
    std::vector<std::string> finishedStates{"Complete", "Failed", "Cancelled", "Skipped"};
    // The kinds retention applies to (plural.group).
    std::vector<std::string> actionResources;
};

// Removes what the catalog no longer keeps: objects whose spec.expiresAt
// has passed, and finished actions beyond the newest N of their kind, the
// oldest first. Removals are ordinary deletes (watchers see them), queued
// a hundred at a time among clients' writes, so retention never stalls them;
// a run removes at most a thousand per kind and the next run goes on.
class Retention {
public:
    Retention(SqliteObjectStore& store, RetentionSettings settings)
        : store_(store), settings_(std::move(settings)) {}

    // One pass at time `now` (Unix seconds); the number of objects removed.
    std::size_t run(std::int64_t now);

private:
    bool removeAll(const std::vector<ObjectKey>& keys, const char* why, std::size_t& removed);

    SqliteObjectStore& store_;
    RetentionSettings settings_;
};

}  // namespace kiod::catalog
