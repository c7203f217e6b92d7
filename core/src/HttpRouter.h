#pragma once

#include "RouteTable.h"
#include "auth/AccessControl.h"

#include <kiod/Router.h>

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace kiod {

// A request line resolved to its route, before the handler runs: the
// listener needs the route's Execution to decide where to run it.
struct RoutedRequest {
    RouteTable::Match match;
    std::string_view path;
    std::string_view query;
};

// The Router modules see, and the dispatcher every listener calls: finds the
// route, runs its handler, answers 404/405/500 as Kubernetes Status bodies,
// and reports each request to the observers.
class HttpRouter : public Router {
public:
    enum class Unmatched {
        kNotFound,  // 404: the routes are all there
        kStarting,  // 503: the router of kiod's start, before modules mount theirs
    };

    explicit HttpRouter(const std::vector<std::string>& listeners,
                        Unmatched unmatched = Unmatched::kNotFound);

    bool hasListener(const std::string& listener) const override;
    void mount(const std::string& listener, const std::string& method, const std::string& pattern,
               RouteHandler handler, Execution execution) override;
    void mount(const std::string& listener, const std::string& method, const std::string& pattern,
               RouteHandler handler, ExecutionSelector select) override;
    void addObserver(std::shared_ptr<RequestObserver> observer) override;

    // After this, mount and addObserver throw std::logic_error: the tables
    // are read without locks from then on.
    void freeze();

    // Finds the route for `target` (path and query) on `listener`, which
    // must be one of the listeners the router was made with, and where the
    // request is to run.
    RoutedRequest route(const std::string& listener, std::string_view method,
                        std::string_view target) const;

    // Authenticates and authorizes the request with the listener's
    // `access` (401, 403), runs the routed request's handler (or answers
    // 404/405), answers 500 if it throws, and reports the request to the
    // observers. `peer` is the connection's client certificate, if any.
    // Never throws.
    void serve(const std::string& listener, RoutedRequest& routed,
               Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response,
               const AccessControl& access, const PeerCertificate* peer) const;

private:
    void checkNotFrozen(const char* what) const;
    // The table of `listener`, to mount `method pattern` on.
    RouteTable& table(const std::string& listener, const std::string& method,
                      const std::string& pattern);
    // Tells every observer of a finished request.
    void report(const RequestRecord& record) const;
    // Runs the handler, or answers 404, 405 or 503 (starting).
    void dispatch(const std::string& listener, RoutedRequest& routed,
                  Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response,
                  const UserInfo& user) const;

    std::map<std::string, RouteTable, std::less<>> tables_;
    std::vector<std::shared_ptr<RequestObserver>> observers_;
    std::atomic<bool> frozen_{false};
    Unmatched unmatched_;
};

}  // namespace kiod
