#include "QueryString.h"

#include <kiod/RequestAttributes.h>

#include <Poco/String.h>

#include <vector>

namespace kiod {

namespace {

std::vector<std::string_view> splitPath(std::string_view path) {
    std::vector<std::string_view> parts;
    while (!path.empty()) {
        auto slash = path.find('/');
        if (slash != 0) {
            parts.push_back(path.substr(0, slash));
        }
        if (slash == std::string_view::npos) {
            break;
        }
        path.remove_prefix(slash + 1);
    }
    return parts;
}

std::string verbOfMethod(std::string_view method) {
    if (method == "POST") {
        return "create";
    }
    if (method == "GET" || method == "HEAD") {
        return "get";
    }
    if (method == "PUT") {
        return "update";
    }
    if (method == "PATCH") {
        return "patch";
    }
    if (method == "DELETE") {
        return "delete";
    }
    return "";
}

// Go's strconv.ParseBool, which decodes ListOptions.Watch.
bool isTrue(std::string_view value) {
    return value == "1" || value == "t" || value == "T" || value == "true" || value == "TRUE" ||
           value == "True";
}

// The name a field selector pins with `metadata.name=x` or `==x` among its
// comma-separated terms (fields.Selector.RequiresExactMatch), or "".
std::string exactName(std::string_view selector) {
    std::string_view rest = selector;
    while (!rest.empty()) {
        auto comma = rest.find(',');
        auto term = rest.substr(0, comma);
        for (std::string_view prefix : {"metadata.name==", "metadata.name="}) {
            if (term.starts_with(prefix)) {
                auto name = term.substr(prefix.size());
                // A name that could not be a path segment is ignored, as kube does.
                if (!name.empty() && name != "." && name != ".." &&
                    name.find_first_of("/%") == std::string_view::npos) {
                    return std::string(name);
                }
                return "";
            }
        }
        if (comma == std::string_view::npos) {
            break;
        }
        rest.remove_prefix(comma + 1);
    }
    return "";
}

}  // namespace

RequestAttributes RequestAttributes::parse(std::string_view method, std::string_view path,
                                           std::string_view query) {
    RequestAttributes attributes;
    attributes.path = std::string(path);
    attributes.verb = Poco::toLower(std::string(method));

    auto parts = splitPath(path);
    std::size_t at = 0;
    // /api/{version}/... is the core group; /apis/{group}/{version}/... the others.
    if (parts.size() < 3 || (parts[0] != "api" && parts[0] != "apis") ||
        (parts[0] == "apis" && parts.size() < 4)) {
        return attributes;
    }
    if (parts[at++] == "apis") {
        attributes.apiGroup = std::string(parts[at++]);
    }
    attributes.apiVersion = std::string(parts[at++]);
    attributes.resourceRequest = true;

    // The deprecated /watch/... form.
    if (parts[at] == "watch" && at + 1 < parts.size()) {
        attributes.verb = "watch";
        ++at;
    } else {
        attributes.verb = verbOfMethod(method);
    }
    if (parts[at] == "namespaces" && at + 1 < parts.size()) {
        attributes.namespaceName = std::string(parts[at + 1]);
        // namespaces/{ns}/status and /finalize are the namespace's own subresources.
        if (at + 2 < parts.size() && parts[at + 2] != "status" && parts[at + 2] != "finalize") {
            at += 2;
        }
    }
    std::size_t left = parts.size() - at;
    if (left >= 3 && attributes.verb != "watch") {
        attributes.subresource = std::string(parts[at + 2]);
    }
    if (left >= 2) {
        attributes.name = std::string(parts[at + 1]);
    }
    attributes.resource = std::string(parts[at]);

    if (attributes.name.empty() && attributes.verb == "get") {
        auto parameters = parseQueryString(query);
        auto watch = parameters.find("watch");
        attributes.verb = watch != parameters.end() && isTrue(watch->second) ? "watch" : "list";
        auto selector = parameters.find("fieldSelector");
        if (selector != parameters.end()) {
            attributes.name = exactName(selector->second);
        }
    }
    if (attributes.name.empty() && attributes.verb == "delete") {
        attributes.verb = "deletecollection";
    }
    return attributes;
}

}  // namespace kiod
