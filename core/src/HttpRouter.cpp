#include "HttpRouter.h"

#include "QueryString.h"
#include "ServerExchange.h"

#include <kiod/StatusResponse.h>

#include <Poco/Exception.h>
#include <Poco/Logger.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <chrono>
#include <optional>
#include <stdexcept>

namespace kiod {

RouteRequest::RouteRequest(Poco::Net::HTTPServerRequest& http, std::string_view listener,
                           std::string_view path, std::string_view query, PathParameters params,
                           const UserInfo* user)
    : http_(http),
      listener_(listener),
      path_(path),
      rawQuery_(query),
      params_(std::move(params)),
      user_(user) {}

const UserInfo& RouteRequest::user() const {
    static const UserInfo kAnonymous = UserInfo::anonymous();
    return user_ ? *user_ : kAnonymous;
}

const std::string& pathParameter(const PathParameters& path, std::string_view name) {
    for (const auto& [key, value] : path) {
        if (key == name) {
            return value;
        }
    }
    throw std::logic_error("route has no parameter {" + std::string(name) + "}");
}

const std::string& RouteRequest::param(std::string_view name) const {
    return pathParameter(params_, name);
}

void RouteRequest::parseQuery() const {
    if (!queryParsed_) {
        query_ = parseQueryString(rawQuery_);
        queryParsed_ = true;
    }
}

bool RouteRequest::hasQuery(std::string_view name) const {
    parseQuery();
    return query_.find(name) != query_.end();
}

std::optional<std::string> RouteRequest::query(std::string_view name) const {
    parseQuery();
    auto it = query_.find(name);
    if (it == query_.end()) {
        return std::nullopt;
    }
    return it->second;
}

std::vector<std::string> RouteRequest::queryAll(std::string_view name) const {
    parseQuery();
    std::vector<std::string> values;
    auto [first, last] = query_.equal_range(name);
    for (auto it = first; it != last; ++it) {
        values.push_back(it->second);
    }
    return values;
}

std::shared_ptr<ResponseStream> RouteRequest::detach(Poco::Net::HTTPServerResponse& response,
                                                     StreamOptions options) {
    auto* ours = dynamic_cast<ServerResponse*>(&response);
    if (!ours || &http_.response() != &response) {
        throw std::logic_error("detach: not the response of this request on a kiod listener");
    }
    return ours->detach(std::move(options));
}

namespace {

// A RequestRecord with its strings, user and attributes owned: for a report
// made after the request is gone. The user and attributes are the
// request's own, moved in.
class KeptRecord {
public:
    KeptRecord(const RequestRecord& record, UserInfo&& user, RequestAttributes&& attributes)
        : listener_(record.listener),
          method_(record.method),
          route_(record.route),
          path_(record.path),
          client_(record.client),
          user_(record.user ? std::optional<UserInfo>(std::move(user)) : std::nullopt),
          attributes_(std::move(attributes)) {}

    RequestRecord record(int status, std::chrono::nanoseconds duration) const {
        return {listener_,   method_, route_,  status,
                duration,    path_,   client_, user_ ? &*user_ : nullptr,
                &attributes_};
    }

private:
    std::string listener_;
    std::string method_;
    std::string route_;
    std::string path_;
    std::string client_;
    std::optional<UserInfo> user_;
    RequestAttributes attributes_;
};

}  // namespace

std::shared_ptr<DeferredResponse> RouteRequest::defer(Poco::Net::HTTPServerResponse& response) {
    auto* ours = dynamic_cast<ServerResponse*>(&response);
    if (!ours || &http_.response() != &response) {
        return nullptr;
    }
    return ours->defer();
}

HttpRouter::HttpRouter(const std::vector<std::string>& listeners, Unmatched unmatched)
    : unmatched_(unmatched) {
    for (const auto& name : listeners) {
        tables_.try_emplace(name);
    }
}

bool HttpRouter::hasListener(const std::string& listener) const {
    return tables_.contains(listener);
}

void HttpRouter::checkNotFrozen(const char* what) const {
    if (frozen_.load(std::memory_order_acquire)) {
        throw std::logic_error(std::string(what) + " after the listeners opened");
    }
}

void HttpRouter::mount(const std::string& listener, const std::string& method,
                       const std::string& pattern, RouteHandler handler, Execution execution) {
    table(listener, method, pattern).add(method, pattern, std::move(handler), execution);
}

void HttpRouter::mount(const std::string& listener, const std::string& method,
                       const std::string& pattern, RouteHandler handler, ExecutionSelector select) {
    if (!select) {
        throw std::invalid_argument("route " + method + " " + pattern + ": no execution selector");
    }
    table(listener, method, pattern)
        .add(method, pattern, std::move(handler), Execution::kWorker, std::move(select));
}

RouteTable& HttpRouter::table(const std::string& listener, const std::string& method,
                              const std::string& pattern) {
    checkNotFrozen("route mounted");
    auto it = tables_.find(listener);
    if (it == tables_.end()) {
        throw std::invalid_argument("no listener named '" + listener + "' for route " + method +
                                    " " + pattern);
    }
    return it->second;
}

void HttpRouter::addObserver(std::shared_ptr<RequestObserver> observer) {
    checkNotFrozen("request observer added");
    observers_.push_back(std::move(observer));
}

void HttpRouter::freeze() {
    frozen_.store(true, std::memory_order_release);
}

RoutedRequest HttpRouter::route(const std::string& listener, std::string_view method,
                                std::string_view target) const {
    auto questionMark = target.find('?');
    RoutedRequest routed;
    routed.path = target.substr(0, questionMark);
    if (questionMark != std::string_view::npos) {
        routed.query = target.substr(questionMark + 1);
    }
    routed.match = tables_.find(listener)->second.find(method, routed.path);
    if (routed.match.select) {
        try {
            routed.match.execution =
                (*routed.match.select)(routed.match.params, parseQueryString(routed.query));
        } catch (const Poco::SyntaxException&) {
            // A malformed escape: the handler answers 400 for it, on a worker.
            routed.match.execution = Execution::kWorker;
        }
    }
    return routed;
}

void HttpRouter::dispatch(const std::string& listener, RoutedRequest& routed,
                          Poco::Net::HTTPServerRequest& request,
                          Poco::Net::HTTPServerResponse& response, const UserInfo& user) const {
    auto& match = routed.match;
    if (match.handler) {
        RouteRequest routeRequest(request, listener, routed.path, routed.query,
                                  std::move(match.params), &user);
        (*match.handler)(routeRequest, response);
    } else if (!match.allowed.empty()) {
        response.set("Allow", match.allowed);
        sendStatus(response, 405, "MethodNotAllowed",
                   "the server does not allow this method on the requested resource");
    } else if (unmatched_ == Unmatched::kStarting) {
        sendStatus(response, Status::unavailable("kiod is starting: its modules are initializing "
                                                 "(see /readyz?verbose)"));
    } else {
        sendStatus(response, 404, "NotFound", "the server could not find the requested resource");
    }
}

void HttpRouter::serve(const std::string& listener, RoutedRequest& routed,
                       Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response, const AccessControl& access,
                       const PeerCertificate* peer) const {
    static const std::string kUnmatched = "unmatched";
    auto started = std::chrono::steady_clock::now();
    auto& match = routed.match;
    const std::string& method = request.getMethod();
    RequestAttributes attributes;
    UserInfo user;
    try {
        // In the try: it reads the query, whose escapes may be malformed.
        attributes = RequestAttributes::parse(method, routed.path, routed.query);
        // Before routing, as kube-apiserver: who asks and whether they may
        // is decided for paths that do not exist too, so that a 404 tells
        // nobody unauthenticated what does.
        if (access.admit(request, peer, attributes, user, response)) {
            dispatch(listener, routed, request, response, user);
        }
    } catch (const Poco::URISyntaxException& e) {
        // A malformed escape in the query (`%ZZ`), met when it was read:
        // the client's mistake.
        if (!response.sent()) {
            sendStatus(response, 400, "BadRequest",
                       "the request's query is malformed: " + e.message());
        }
    } catch (const std::exception& e) {
        Poco::Logger::get("kiod.http")
            .error("%s %s on listener %s failed: %s", method, std::string(routed.path), listener,
                   std::string(e.what()));
        if (!response.sent()) {
            sendStatus(response, 500, "InternalError",
                       "an error on the server prevented the request");
        }
    }

    if (observers_.empty()) {
        return;
    }
    std::string client = request.clientAddress().toString();
    RequestRecord record{listener,
                         method,
                         match.pattern ? *match.pattern : kUnmatched,
                         static_cast<int>(response.getStatus()),
                         std::chrono::steady_clock::now() - started,
                         routed.path,
                         client,
                         user.name.empty() ? nullptr : &user,
                         &attributes};
    auto* ours = dynamic_cast<ServerResponse*>(&response);
    if (!ours || !ours->deferred()) {
        report(record);
        return;
    }
    // Told once the deferred answer is written, when the request's own
    // strings are gone. The router outlives the listeners, whose loops
    // write every answer or drop it before they stop.
    ours->deferred()->whenAnswered(
        [this, started,
         kept = KeptRecord(record, std::move(user), std::move(attributes))](int status) {
            report(kept.record(status, std::chrono::steady_clock::now() - started));
        });
}

void HttpRouter::report(const RequestRecord& record) const {
    for (const auto& observer : observers_) {
        observer->observe(record);
    }
}

}  // namespace kiod
