#include "ActionCounts.h"

#include <Poco/String.h>

namespace kiod::catalog {

namespace {

constexpr std::string_view kActionsSuffix = "actions.actions.kio.kasten.io";

}  // namespace

std::optional<ActionCounts::Action> ActionCounts::of(
    const std::string& resource, const std::string& ns, const std::optional<std::string>& state,
    const std::map<std::string, std::string>& labels) {
    if (!resource.ends_with(kActionsSuffix) || resource.size() == kActionsSuffix.size()) {
        return std::nullopt;
    }
    auto policy = labels.find(kPolicyLabel);
    return Action{resource.substr(0, resource.size() - kActionsSuffix.size()),
                  Poco::toLower(state.value_or("")), ns,
                  policy == labels.end() ? "" : policy->second};
}

void ActionCounts::adjust(SqliteConnection& db, const Action& action, std::string_view liveness,
                          int delta) {
    db.statement(
          "INSERT INTO action_counts(type, status, namespace, policy, liveness, count) "
          "VALUES(?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO UPDATE SET count = count + excluded.count")
        .bind(1, action.type)
        .bind(2, action.status)
        .bind(3, action.ns)
        .bind(4, action.policy)
        .bind(5, liveness)
        .bind(6, static_cast<std::int64_t>(delta))
        .step();
}

std::vector<ActionCounts::Row> ActionCounts::read(SqliteConnection& db) {
    auto& query = db.statement(
        "SELECT type, status, namespace, policy, liveness, count FROM action_counts WHERE count != "
        "0");
    std::vector<Row> rows;
    while (query.step()) {
        rows.push_back({{std::string(query.text(0)), std::string(query.text(1)),
                         std::string(query.text(2)), std::string(query.text(3))},
                        std::string(query.text(4)),
                        query.integer(5)});
    }
    query.reset();
    return rows;
}

}  // namespace kiod::catalog
