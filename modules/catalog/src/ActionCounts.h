#pragma once

#include "SqliteConnection.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kiod::catalog {

// The counts behind catalog_actions_count{type,status,namespace,policy,
// liveness}, the metric the system kiod replaces exports: a table the
// writer updates in the same transaction as each action it stores, so the
// metric is always exact and never needs a scan of the objects.
class ActionCounts {
public:
    // An action's attributes as the metric labels them.
    struct Action {
        std::string type;    // backup for backupactions.actions.kio.kasten.io
        std::string status;  // status.state in lower case
        std::string ns;
        std::string policy;  // the k10.kasten.io/policyName label
    };

    struct Row {
        Action action;
        std::string liveness;  // live, or retired once deleted
        std::int64_t count = 0;
    };

    static constexpr const char* kPolicyLabel = "k10.kasten.io/policyName";

    // nullopt when the resource is not an action kind.
    static std::optional<Action> of(const std::string& resource, const std::string& ns,
                                    const std::optional<std::string>& state,
                                    const std::map<std::string, std::string>& labels);

    // Adds `delta` to the row; on the writer's connection, in its transaction.
    static void adjust(SqliteConnection& db, const Action& action, std::string_view liveness,
                       int delta);

    static std::vector<Row> read(SqliteConnection& db);
};

}  // namespace kiod::catalog
