#pragma once

#include <string>
#include <string_view>

namespace kiod::aggregatedapi {

// Kubernetes' rules for names: an object's own name, and the names a spec
// refers to other objects by (a Secret and its namespace). Shared by the
// API's validation and the modules that validate their own kinds
// (ResourceStorage::validateCreate), so that both word a bad name as
// kube-apiserver does. Header-only: modules never link each other.
//
// Each returns empty when `name` is valid, else why it is not.

// RFC 1123 subdomain (an object's name): lower-case alphanumerics, '-' and
// '.', starting and ending alphanumeric, at most 253 characters.
inline std::string dns1123SubdomainProblem(std::string_view name) {
    auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
    if (name.size() > 253) {
        return "must be no more than 253 characters";
    }
    bool ok = !name.empty() && alnum(name.front()) && alnum(name.back());
    for (char c : name) {
        ok = ok && (alnum(c) || c == '-' || c == '.');
    }
    if (!ok) {
        return "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
               "characters, '-' or '.', and must start and end with an alphanumeric character "
               "(e.g. 'example.com', regex used for validation is "
               "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
    }
    return {};
}

// RFC 1123 label (a namespace): as a subdomain, without '.', at most 63.
inline std::string dns1123LabelProblem(std::string_view name) {
    if (name.size() > 63 || name.find('.') != std::string_view::npos ||
        !dns1123SubdomainProblem(name).empty()) {
        return "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or "
               "'-', and must start and end with an alphanumeric character";
    }
    return {};
}

}  // namespace kiod::aggregatedapi
