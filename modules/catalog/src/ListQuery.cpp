#include "ListQuery.h"

#include <sstream>

namespace kiod::catalog {

ListQuery ListQuery::build(const ListOptions& options, const LabelSelector& selector,
                           const ContinueToken* from) {
    using Op = LabelSelector::Operator;
    ListQuery query;
    auto parameter = [&](const std::string& value) {
        query.parameters.push_back(value);
        return "?" + std::to_string(query.parameters.size() + 1);
    };
    const auto& requirements = selector.requirements();
    const LabelSelector::Requirement* driver = nullptr;
    for (const auto& requirement : requirements) {
        if (requirement.op == Op::kEquals ||
            (requirement.op == Op::kIn && requirement.values.size() == 1)) {
            driver = &requirement;
            break;
        }
    }

    std::ostringstream sql;
    sql << "SELECT o.id, o.namespace, o.name, o.uid, o.revision, o.json FROM ";
    if (driver) {
        sql << "labels l JOIN objects o ON o.id = l.object_id WHERE l.key = "
            << parameter(driver->key) << " AND l.value = " << parameter(driver->values.front())
            << " AND ";
    } else {
        sql << "objects o WHERE ";
    }
    // Objects created after the list's revision stay out of its later pages.
    sql << "o.resource = " << parameter(options.resource) << " AND o.id <= ?1";
    if (!options.ns.empty()) {
        sql << " AND o.namespace = " << parameter(options.ns);
    }
    if (!options.name.empty()) {
        sql << " AND o.name = " << parameter(options.name);
    }
    if (!options.state.empty()) {
        sql << " AND o.state = " << parameter(options.state);
    }
    for (const auto& requirement : requirements) {
        if (&requirement == driver) {
            continue;
        }
        bool negated = requirement.op == Op::kNotEquals || requirement.op == Op::kNotIn ||
                       requirement.op == Op::kDoesNotExist;
        sql << (negated ? " AND NOT EXISTS" : " AND EXISTS")
            << " (SELECT 1 FROM labels WHERE object_id = o.id AND key = "
            << parameter(requirement.key);
        if (!requirement.values.empty()) {
            sql << " AND value IN (";
            for (std::size_t i = 0; i < requirement.values.size(); ++i) {
                sql << (i ? ", " : "") << parameter(requirement.values[i]);
            }
            sql << ")";
        }
        sql << ")";
    }
    bool newestFirst = options.order == ListOptions::Order::kNewestFirst;
    if (from) {
        if (newestFirst) {
            sql << " AND o.id < " << from->id;
        } else {
            sql << " AND (o.namespace, o.name) > (" << parameter(from->ns) << ", "
                << parameter(from->name) << ")";
        }
    }
    sql << (newestFirst ? " ORDER BY o.id DESC" : " ORDER BY o.namespace, o.name");
    if (options.limit > 0) {
        sql << " LIMIT " << options.limit + 1;  // one more tells whether a next page exists
    }
    query.sql = sql.str();
    return query;
}

}  // namespace kiod::catalog
