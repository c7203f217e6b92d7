#include "RouteTable.h"

#include <algorithm>
#include <set>
#include <stdexcept>

namespace kiod {

RoutePattern::RoutePattern(std::string pattern) : text_(std::move(pattern)) {
    if (text_.empty() || text_.front() != '/') {
        throw std::invalid_argument("route pattern '" + text_ + "' must start with '/'");
    }
    std::set<std::string> names;
    std::string_view rest(text_);
    rest.remove_prefix(1);
    while (true) {
        auto slash = rest.find('/');
        std::string_view segment = rest.substr(0, slash);
        if (!segment.empty() && segment.front() == '{') {
            if (segment.size() < 3 || segment.back() != '}') {
                throw std::invalid_argument("route pattern '" + text_ +
                                            "' has a malformed parameter '" + std::string(segment) +
                                            "'");
            }
            std::string name(segment.substr(1, segment.size() - 2));
            if (!names.insert(name).second) {
                throw std::invalid_argument("route pattern '" + text_ + "' names {" + name +
                                            "} twice");
            }
            segments_.push_back({std::move(name), true});
        } else {
            segments_.push_back({std::string(segment), false});
        }
        if (slash == std::string_view::npos) {
            break;
        }
        rest.remove_prefix(slash + 1);
    }
}

bool RoutePattern::match(std::string_view path,
                         std::vector<std::pair<std::string, std::string>>& params) const {
    if (path.empty() || path.front() != '/') {
        return false;
    }
    path.remove_prefix(1);
    params.clear();
    for (std::size_t i = 0; i < segments_.size(); ++i) {
        auto slash = path.find('/');
        bool last = i + 1 == segments_.size();
        // The last segment must take the rest of the path; the others must
        // stop at a slash.
        if (last != (slash == std::string_view::npos)) {
            return false;
        }
        std::string_view segment = path.substr(0, slash);
        const auto& expected = segments_[i];
        if (expected.isParam) {
            if (segment.empty()) {
                return false;
            }
            params.emplace_back(expected.text, segment);
        } else if (segment != expected.text) {
            return false;
        }
        if (!last) {
            path.remove_prefix(slash + 1);
        }
    }
    return true;
}

bool RoutePattern::moreSpecificThan(const RoutePattern& other) const {
    auto count = std::min(segments_.size(), other.segments_.size());
    for (std::size_t i = 0; i < count; ++i) {
        if (segments_[i].isParam != other.segments_[i].isParam) {
            return !segments_[i].isParam;
        }
    }
    return false;
}

bool RoutePattern::sameShapeAs(const RoutePattern& other) const {
    return std::equal(segments_.begin(), segments_.end(), other.segments_.begin(),
                      other.segments_.end(), [](const Segment& a, const Segment& b) {
                          return a.isParam == b.isParam && (a.isParam || a.text == b.text);
                      });
}

void RouteTable::add(const std::string& method, const std::string& pattern, RouteHandler handler,
                     Execution execution, ExecutionSelector select) {
    RoutePattern compiled(pattern);
    for (const auto& route : routes_) {
        if (route.method == method && route.pattern.sameShapeAs(compiled)) {
            throw std::invalid_argument("route " + method + " " + pattern +
                                        " is mounted already (as " + route.pattern.text() + ")");
        }
    }
    routes_.push_back(
        {method, std::move(compiled), std::move(handler), execution, std::move(select)});
}

const RouteTable::Route* RouteTable::best(
    std::string_view method, std::string_view path,
    std::vector<std::pair<std::string, std::string>>& params) const {
    const Route* found = nullptr;
    std::vector<std::pair<std::string, std::string>> candidate;
    for (const auto& route : routes_) {
        if (route.method != method || !route.pattern.match(path, candidate)) {
            continue;
        }
        if (!found || route.pattern.moreSpecificThan(found->pattern)) {
            found = &route;
            params.swap(candidate);
        }
    }
    return found;
}

RouteTable::Match RouteTable::find(std::string_view method, std::string_view path) const {
    Match match;
    const Route* route = best(method, path, match.params);
    if (!route && method == "HEAD") {
        route = best("GET", path, match.params);
    }
    if (route) {
        match.handler = &route->handler;
        match.pattern = &route->pattern.text();
        match.execution = route->execution;
        match.select = route->select ? &route->select : nullptr;
        return match;
    }
    std::set<std::string> allowed;
    std::vector<std::pair<std::string, std::string>> ignored;
    for (const auto& candidate : routes_) {
        if (candidate.pattern.match(path, ignored)) {
            allowed.insert(candidate.method);
            if (candidate.method == "GET") {
                allowed.insert("HEAD");
            }
        }
    }
    for (const auto& name : allowed) {
        match.allowed += (match.allowed.empty() ? "" : ", ") + name;
    }
    return match;
}

}  // namespace kiod
