#pragma once

#include "ResourceTable.h"

#include <kiod/Status.h>

#include <string>
#include <string_view>
#include <vector>

namespace kiod::aggregatedapi {

// A parsed fieldSelector (`f=v`, `f==v`, `f!=v`, comma = AND; `\,` `\=` `\\`
// escape) over the fields a resource supports: metadata.name and
// metadata.namespace everywhere, status.state on actions and restore points.
class FieldSelector {
public:
    struct Requirement {
        std::string field;
        bool equals = true;
        std::string value;
    };

    // BadRequest naming the field when it is not supported, or for bad syntax.
    static Result<FieldSelector> parse(std::string_view text, const ResourceInfo& resource);

    const std::vector<Requirement>& requirements() const { return requirements_; }

    // The single `field=value` the store can index (name, namespace, state);
    // empty when there is none. Contradicting equalities make `impossible()`.
    const std::string& equalTo(std::string_view field) const;
    bool impossible() const { return impossible_; }

    // Whether an object with these field values passes every requirement
    // (checked after the store's indexed filtering, for `!=`).
    bool matches(std::string_view name, std::string_view ns, std::string_view state) const;

private:
    std::vector<Requirement> requirements_;
    std::string name_, namespace_, state_;
    bool impossible_ = false;
};

}  // namespace kiod::aggregatedapi
