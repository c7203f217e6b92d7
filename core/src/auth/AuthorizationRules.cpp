#include "AuthorizationRules.h"

#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <set>

namespace kiod {

namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

// Thrown while reading the document, caught by parse(): the reader of a
// nested document would otherwise pass a Status up through every level.
struct RulesError {
    std::string message;
};

void checkFields(const Object& object, const std::string& where,
                 const std::set<std::string>& known) {
    for (const auto& [name, value] : object) {
        if (!known.contains(name)) {
            throw RulesError{(where.empty() ? "" : where + ".") + name + ": unknown field"};
        }
    }
}

std::vector<std::string> strings(const Object& object, const std::string& field,
                                 const std::string& where) {
    std::vector<std::string> values;
    if (!object.has(field)) {
        return values;
    }
    auto array = object.getArray(field);
    if (!array) {
        throw RulesError{where + "." + field + ": must be a list of strings"};
    }
    for (std::size_t i = 0; i < array->size(); ++i) {
        const auto& value = array->get(static_cast<unsigned int>(i));
        if (!value.isString()) {
            throw RulesError{where + "." + field + "[" + std::to_string(i) + "]: must be a string"};
        }
        values.push_back(value.convert<std::string>());
    }
    return values;
}

Object::Ptr objectAt(const Poco::Dynamic::Var& value, const std::string& where) {
    if (value.type() != typeid(Object::Ptr)) {
        throw RulesError{where + ": must be an object"};
    }
    return value.extract<Object::Ptr>();
}

Array::Ptr arrayAt(const Object& object, const std::string& field, const std::string& where) {
    auto array = object.getArray(field);
    if (!array) {
        throw RulesError{where + "." + field + ": must be a list"};
    }
    return array;
}

// The document without its `//` comments (to the end of the line, outside
// strings): operators annotate their rules, and JSON has no comments.
std::string withoutComments(std::string_view json) {
    std::string out;
    out.reserve(json.size());
    bool inString = false;
    for (std::size_t i = 0; i < json.size(); ++i) {
        char c = json[i];
        if (inString) {
            if (c == '\\' && i + 1 < json.size()) {
                out += c;
                c = json[++i];
            } else if (c == '"') {
                inString = false;
            }
        } else if (c == '"') {
            inString = true;
        } else if (c == '/' && i + 1 < json.size() && json[i + 1] == '/') {
            i = json.find('\n', i);
            if (i == std::string_view::npos) {
                break;
            }
            c = '\n';
        }
        out += c;
    }
    return out;
}

bool contains(const std::vector<std::string>& list, std::string_view value) {
    return std::find(list.begin(), list.end(), value) != list.end();
}

bool matchesOrStar(const std::vector<std::string>& list, std::string_view value) {
    return contains(list, "*") || contains(list, value);
}

bool resourceMatches(const std::vector<std::string>& rules, const RequestAttributes& request) {
    std::string combined = request.resourceAndSubresource();
    for (const auto& rule : rules) {
        if (rule == "*" || rule == combined) {
            return true;
        }
        if (!request.subresource.empty() &&
            (rule == "*/" + request.subresource || rule == request.resource + "/*")) {
            return true;
        }
    }
    return false;
}

// Namespaced resource requests in one of `namespaces`, or anything when empty.
bool inNamespaces(const std::vector<std::string>& namespaces, const RequestAttributes& request) {
    return namespaces.empty() || (request.resourceRequest && !request.namespaceName.empty() &&
                                  matchesOrStar(namespaces, request.namespaceName));
}

}  // namespace

bool AuthorizationRules::pathMatches(const std::vector<std::string>& patterns,
                                     std::string_view path) {
    return std::any_of(patterns.begin(), patterns.end(), [&](const std::string& pattern) {
        return pattern == path ||
               (!pattern.empty() && pattern.back() == '*' &&
                path.starts_with(std::string_view(pattern).substr(0, pattern.size() - 1)));
    });
}

bool AuthorizationRules::Rule::matches(const RequestAttributes& request) const {
    if (!matchesOrStar(verbs, request.verb) || !inNamespaces(namespaces, request)) {
        return false;
    }
    if (!request.resourceRequest) {
        return pathMatches(nonResourceURLs, request.path);
    }
    return matchesOrStar(apiGroups, request.apiGroup) && resourceMatches(resources, request) &&
           (resourceNames.empty() || contains(resourceNames, request.name));
}

bool AuthorizationRules::Binding::bindsTo(const UserInfo& user) const {
    return contains(users, user.name) ||
           std::any_of(user.groups.begin(), user.groups.end(),
                       [this](const std::string& group) { return contains(groups, group); });
}

bool AuthorizationRules::allows(const UserInfo& user, const RequestAttributes& request) const {
    for (const auto& binding : bindings_) {
        if (!binding.bindsTo(user) || !inNamespaces(binding.namespaces, request)) {
            continue;
        }
        const auto& rules = roles_.find(binding.role)->second;
        if (std::any_of(rules.begin(), rules.end(),
                        [&](const Rule& rule) { return rule.matches(request); })) {
            return true;
        }
    }
    return false;
}

Result<AuthorizationRules> AuthorizationRules::parse(std::string_view json) {
    AuthorizationRules rules;
    try {
        auto root = objectAt(Poco::JSON::Parser().parse(withoutComments(json)), "the document");
        checkFields(*root, "", {"roles", "bindings"});

        auto roles = root->getObject("roles");
        if (!roles) {
            throw RulesError{"roles: required, an object of role names to lists of rules"};
        }
        for (const auto& [name, value] : *roles) {
            std::string where = "roles." + name;
            auto& role = rules.roles_[name];
            auto list = arrayAt(*roles, name, "roles");
            for (std::size_t i = 0; i < list->size(); ++i) {
                std::string at = where + "[" + std::to_string(i) + "]";
                auto object = objectAt(list->get(static_cast<unsigned int>(i)), at);
                checkFields(*object, at,
                            {"verbs", "apiGroups", "resources", "resourceNames", "nonResourceURLs",
                             "namespaces"});
                Rule rule{
                    strings(*object, "verbs", at),           strings(*object, "apiGroups", at),
                    strings(*object, "resources", at),       strings(*object, "resourceNames", at),
                    strings(*object, "nonResourceURLs", at), strings(*object, "namespaces", at)};
                if (rule.verbs.empty()) {
                    throw RulesError{at + ".verbs: required"};
                }
                if (rule.resources.empty() == rule.nonResourceURLs.empty()) {
                    throw RulesError{at +
                                     ": needs either resources (with apiGroups) or "
                                     "nonResourceURLs"};
                }
                if (!rule.resources.empty() && rule.apiGroups.empty()) {
                    throw RulesError{at +
                                     ".apiGroups: required with resources (\"\" is the core "
                                     "group, \"*\" every group)"};
                }
                if (!rule.nonResourceURLs.empty() &&
                    !(rule.namespaces.empty() && rule.resourceNames.empty())) {
                    throw RulesError{at + ": nonResourceURLs take no namespaces or resourceNames"};
                }
                role.push_back(std::move(rule));
            }
        }

        if (root->has("bindings")) {
            auto bindings = arrayAt(*root, "bindings", "");
            for (std::size_t i = 0; i < bindings->size(); ++i) {
                std::string at = "bindings[" + std::to_string(i) + "]";
                auto object = objectAt(bindings->get(static_cast<unsigned int>(i)), at);
                checkFields(*object, at, {"role", "users", "groups", "namespaces"});
                Binding binding{object->optValue<std::string>("role", ""),
                                strings(*object, "users", at), strings(*object, "groups", at),
                                strings(*object, "namespaces", at)};
                if (!rules.roles_.contains(binding.role)) {
                    throw RulesError{at + ".role: " +
                                     (binding.role.empty()
                                          ? std::string("required")
                                          : "no role named '" + binding.role + "'")};
                }
                if (binding.users.empty() && binding.groups.empty()) {
                    throw RulesError{at + ": binds to no one (users or groups)"};
                }
                rules.bindings_.push_back(std::move(binding));
            }
        }
    } catch (const RulesError& e) {
        return Status::invalid(e.message);
    } catch (const Poco::Exception& e) {
        return Status::invalid("not JSON: " + e.displayText());
    }
    return rules;
}

}  // namespace kiod
