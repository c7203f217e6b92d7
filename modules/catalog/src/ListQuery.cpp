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

    bool newestFirst = options.order == ListOptions::Order::kNewestFirst;
    // By name within a namespace, the unique (resource, namespace, name)
    // index yields the page in order; a label equality across namespaces
    // would have to sort every match, so there it only filters.
    if (driver && !newestFirst && !options.ns.empty()) {
        driver = nullptr;
    }

    std::ostringstream sql;
    sql << "SELECT o.id, o.namespace, o.name, o.uid, o.revision, o.json FROM ";
    if (driver) {
        // CROSS JOIN keeps labels the outer loop: its primary key (key,
        // value, object_id) is the index range, newest first. Left to
        // itself the planner walks every object of the resource instead.
        sql << "labels l CROSS JOIN objects o ON o.id = l.object_id WHERE l.key = "
            << parameter(driver->key) << " AND l.value = " << parameter(driver->values.front())
            << " AND ";
    } else if (newestFirst || !options.state.empty() ||
               (!options.name.empty() && options.ns.empty())) {
        // objects_by_state or objects_by_bare_name fit better than any order.
        sql << "objects o WHERE ";
    } else {
        // Not objects_by_namespace, which the id condition below tempts the
        // planner into, and which would sort the whole namespace.
        sql << "objects o INDEXED BY objects_by_name WHERE ";
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
    if (from) {
        if (newestFirst) {
            sql << " AND o.id < " << from->id;
        } else {
            sql << " AND (o.namespace, o.name) > (" << parameter(from->ns) << ", "
                << parameter(from->name) << ")";
        }
    }
    if (driver) {
        sql << (newestFirst ? " ORDER BY l.object_id DESC" : " ORDER BY o.namespace, o.name");
    } else {
        sql << (newestFirst ? " ORDER BY o.id DESC" : " ORDER BY o.namespace, o.name");
    }
    if (options.limit > 0) {
        sql << " LIMIT " << options.limit + 1;  // one more tells whether a next page exists
    }
    query.sql = sql.str();
    return query;
}

}  // namespace kiod::catalog
