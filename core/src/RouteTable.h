#pragma once

#include <kiod/Router.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kiod {

// A path pattern compiled into segments: literals and `{name}` parameters.
class RoutePattern {
public:
    // Throws std::invalid_argument for a pattern that does not start with
    // '/', has an empty or unclosed parameter, or names a parameter twice.
    explicit RoutePattern(std::string pattern);

    const std::string& text() const { return text_; }

    // Fills `params` and returns true when `path` (no query) matches.
    bool match(std::string_view path,
               std::vector<std::pair<std::string, std::string>>& params) const;

    // Whether this pattern is preferred over `other` when both match one
    // path: at the first segment where they differ, a literal beats a
    // parameter.
    bool moreSpecificThan(const RoutePattern& other) const;

    bool sameShapeAs(const RoutePattern& other) const;

private:
    struct Segment {
        std::string text;  // the literal, or the parameter's name
        bool isParam = false;
    };

    std::string text_;
    std::vector<Segment> segments_;
};

// The routes mounted on one listener. Mounting happens before the listener
// opens; matching happens concurrently afterwards, on a table nobody changes.
class RouteTable {
public:
    struct Match {
        const RouteHandler* handler = nullptr;  // null: no route for this method
        const std::string* pattern = nullptr;   // the matched route's pattern
        std::vector<std::pair<std::string, std::string>> params;
        std::string allowed;  // when the path matched but not the method: `GET, POST`
        // 404s and 405s are answered on the event loop.
        Execution execution = Execution::kEventLoop;
        // Set for a route whose requests choose their own execution.
        const ExecutionSelector* select = nullptr;
    };

    // Throws std::invalid_argument for a duplicate method and pattern.
    // `select`, when set, overrides `execution` for each request.
    void add(const std::string& method, const std::string& pattern, RouteHandler handler,
             Execution execution, ExecutionSelector select = nullptr);

    // HEAD falls back to GET.
    Match find(std::string_view method, std::string_view path) const;

private:
    struct Route {
        std::string method;
        RoutePattern pattern;
        RouteHandler handler;
        Execution execution;
        ExecutionSelector select;
    };

    const Route* best(std::string_view method, std::string_view path,
                      std::vector<std::pair<std::string, std::string>>& params) const;

    std::vector<Route> routes_;
};

}  // namespace kiod
