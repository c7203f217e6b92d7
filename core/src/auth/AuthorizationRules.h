#pragma once

#include <kiod/RequestAttributes.h>
#include <kiod/Status.h>
#include <kiod/UserInfo.h>

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace kiod {

// The rules file (auth.rules_file): Kubernetes RBAC in one JSON document
// (with `//` comments to the end of a line). Roles are lists of rules; bindings give a role to
// users and groups, in every namespace or in the ones they list:
//
//   {
//     "roles": {
//       "basic": [
//         {"verbs": ["get", "list", "watch"],
//          "apiGroups": ["actions.kio.kasten.io"],
//          "resources": ["backupactions", "backupactions/details"]},
//         {"verbs": ["get"], "nonResourceURLs": ["/apis", "/apis/*"]}
//       ]
//     },
//     "bindings": [
//       {"role": "basic", "groups": ["team-a"], "namespaces": ["team-a"]}
//     ]
//   }
//
// A rule matches as in RBAC: each of verbs, apiGroups ("" is the core
// group), resources and nonResourceURLs may be "*"; a resource is
// `plural` or `plural/subresource` ("plural/*" and "*/subresource" too, and
// "*" covers subresources); nonResourceURLs match exactly or, ending in
// "*", by prefix; resourceNames, when given, must include the request's
// name. `namespaces`, on a rule or a binding, limits it to namespaced
// resource requests in those namespaces ("*": any namespace, never the
// cluster scope), like a RoleBinding. Nothing is allowed unless a rule
// allows it; there are no deny rules.
class AuthorizationRules {
public:
    // Invalid naming the element (`roles.basic[0].verbs: required`):
    // malformed JSON, an unknown field, a rule with no verbs or with both
    // or neither of resources and nonResourceURLs, a binding of an unknown
    // role or to no one.
    static Result<AuthorizationRules> parse(std::string_view json);

    // Whether a binding of `user` (by name or group) has a rule that
    // allows `request`.
    bool allows(const UserInfo& user, const RequestAttributes& request) const;

    // Whether `path` is one of `patterns`: equal, or starting with what
    // precedes a trailing '*' (nonResourceURLs, auth.anonymous_paths).
    static bool pathMatches(const std::vector<std::string>& patterns, std::string_view path);

private:
    struct Rule {
        std::vector<std::string> verbs;
        std::vector<std::string> apiGroups;
        std::vector<std::string> resources;
        std::vector<std::string> resourceNames;
        std::vector<std::string> nonResourceURLs;
        std::vector<std::string> namespaces;

        bool matches(const RequestAttributes& request) const;
    };
    struct Binding {
        std::string role;
        std::vector<std::string> users;
        std::vector<std::string> groups;
        std::vector<std::string> namespaces;

        bool bindsTo(const UserInfo& user) const;
    };

    std::map<std::string, std::vector<Rule>, std::less<>> roles_;
    std::vector<Binding> bindings_;
};

}  // namespace kiod
