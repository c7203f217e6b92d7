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
    const LabelSelector::Requirement* driver = nullptr;
    for (const auto& requirement : selector.requirements()) {
        if (!driver && (requirement.op == Op::kEquals ||
                        (requirement.op == Op::kIn && requirement.values.size() == 1))) {
            driver = &requirement;
        } else {
            query.residual.push_back(requirement);
        }
    }

    bool newestFirst = options.order == ListOptions::Order::kNewestFirst;
    // Evaluated once per statement: the planner treats it as a constant, so
    // it bounds index ranges like a bound integer would.
    auto resource = "(SELECT id FROM resources WHERE name = " + parameter(options.resource) + ")";
    std::ostringstream sql;
    sql << "SELECT o.id, o.namespace, o.name, o.uid, o.revision, o.json FROM ";
    // The alias whose columns drive the order and the keyset.
    std::string by;
    if (driver) {
        // CROSS JOIN keeps labels the outer loop: its primary key gives the
        // label's objects by (namespace, name), labels_by_id newest first.
        // Left to itself the planner may walk every object of the resource.
        by = "l.";
        sql << "labels l " << (newestFirst ? "INDEXED BY labels_by_id" : "")
            << " CROSS JOIN objects o ON o.id = l.object_id WHERE l.resource_id = " << resource
            << " AND l.key = " << parameter(driver->key)
            << " AND l.value = " << parameter(driver->values.front()) << " AND l.object_id <= ?1";
        if (!options.ns.empty()) {
            sql << " AND l.namespace = " << parameter(options.ns);
        }
    } else {
        by = "o.";
        if (newestFirst) {
            sql << "objects o WHERE ";
        } else if (!options.ns.empty() && !options.name.empty()) {
            sql << "objects o INDEXED BY objects_by_name WHERE ";
        } else if (!options.state.empty()) {
            sql << "objects o INDEXED BY objects_by_state_name WHERE ";
        } else if (!options.name.empty()) {
            sql << "objects o INDEXED BY objects_by_bare_name WHERE ";
        } else {
            // Not objects_by_namespace, which the id condition below tempts
            // the planner into, and which would sort the whole namespace.
            sql << "objects o INDEXED BY objects_by_name WHERE ";
        }
        // Objects created after the list's revision stay out of its later pages.
        sql << "o.resource_id = " << resource << " AND o.id <= ?1";
        if (!options.ns.empty()) {
            sql << " AND o.namespace = " << parameter(options.ns);
        }
    }
    if (!options.name.empty()) {
        sql << " AND o.name = " << parameter(options.name);
    }
    if (!options.state.empty()) {
        sql << " AND o.state = " << parameter(options.state);
    }
    // The keyset: what orders the page, less what the query holds fixed
    // (a namespace, a name), so that the order is the index's own.
    std::string id = by + (driver ? "object_id" : "id");
    std::string namespaceAndName = by + "namespace, " + by + "name";
    if (from) {
        if (newestFirst) {
            sql << " AND " << id << " < " << from->id;
        } else if (!options.ns.empty()) {
            sql << " AND " << by << "name > " << parameter(from->name);
        } else if (!options.name.empty()) {
            sql << " AND " << by << "namespace > " << parameter(from->ns);
        } else {
            sql << " AND (" << namespaceAndName << ") > (" << parameter(from->ns) << ", "
                << parameter(from->name) << ")";
        }
    }
    if (newestFirst) {
        sql << " ORDER BY " << id << " DESC";
    } else if (!options.ns.empty()) {
        sql << " ORDER BY " << by << "name";
    } else if (!options.name.empty()) {
        sql << " ORDER BY " << by << "namespace";
    } else {
        sql << " ORDER BY " << namespaceAndName;
    }
    if (options.limit > 0 && query.residual.empty()) {
        sql << " LIMIT " << options.limit + 1;  // one more tells whether a next page exists
    }
    query.sql = sql.str();
    return query;
}

}  // namespace kiod::catalog
