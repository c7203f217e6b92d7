#pragma once

#include <kiod/Status.h>

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace kiod::catalog {

// A Kubernetes label selector (`app=web,tier in (a,b),!legacy`), parsed
// into requirements that are all ANDed. Grammar and validation follow
// apimachinery's labels.Parse, so that what kubectl accepts, kiod accepts.
class LabelSelector {
public:
    enum class Operator { kEquals, kNotEquals, kIn, kNotIn, kExists, kDoesNotExist };

    struct Requirement {
        std::string key;
        Operator op;
        std::vector<std::string> values;  // one for =, == and !=; the set for in and notin

        bool matches(const std::map<std::string, std::string>& labels) const;
        bool operator==(const Requirement&) const = default;
    };

    // An empty selector matches everything.
    LabelSelector() = default;

    // BadRequest with a message that names the offending text.
    static Result<LabelSelector> parse(std::string_view text);

    const std::vector<Requirement>& requirements() const { return requirements_; }
    bool empty() const { return requirements_.empty(); }
    bool matches(const std::map<std::string, std::string>& labels) const;

private:
    std::vector<Requirement> requirements_;
};

}  // namespace kiod::catalog
