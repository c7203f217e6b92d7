#include "HealthEndpoints.h"

#include <kiod/StatusResponse.h>

#include <Poco/Logger.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <algorithm>

namespace kiod {

namespace {

void sendText(Poco::Net::HTTPServerResponse& response, int code, const std::string& body) {
    response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(code));
    response.setContentType("text/plain; charset=utf-8");
    response.set("X-Content-Type-Options", "nosniff");
    response.sendBuffer(body.data(), body.size());
}

}  // namespace

void HealthEndpoints::addLiveness(std::string name, Check check) {
    liveness_->push_back({std::move(name), std::move(check)});
}

void HealthEndpoints::addReadiness(std::string name, Check check) {
    readiness_->push_back({std::move(name), std::move(check)});
}

void HealthEndpoints::mount(Router& router, const std::string& listener) {
    auto endpoints = {std::pair{"healthz", readiness_}, std::pair{"livez", liveness_},
                      std::pair{"readyz", readiness_}};
    for (const auto& [endpoint, checks] : endpoints) {
        std::string name = endpoint;
        router.mount(
            listener, "GET", "/" + name,
            [name, checks = checks](RouteRequest& request, auto& response) {
                serveAll(name, *checks, request, response);
            },
            Execution::kEventLoop);
        router.mount(
            listener, "GET", "/" + name + "/{check}",
            [checks = checks](RouteRequest& request, auto& response) {
                serveOne(*checks, request, response);
            },
            Execution::kEventLoop);
    }
}

void HealthEndpoints::serveAll(const std::string& endpoint, const CheckList& checks,
                               RouteRequest& request, Poco::Net::HTTPServerResponse& response) {
    auto excluded = request.queryAll("exclude");
    std::string lines;
    bool failed = false;
    for (const auto& [name, check] : checks) {
        auto skip = std::find(excluded.begin(), excluded.end(), name);
        if (skip != excluded.end()) {
            lines += "[+]" + name + " excluded: ok\n";
            excluded.erase(skip);
            continue;
        }
        auto result = check();
        if (result.ok) {
            lines += "[+]" + name + " ok\n";
        } else {
            failed = true;
            lines += "[-]" + name + " failed: reason withheld\n";
            Poco::Logger::get("kiod.health")
                .warning("%s check %s failed: %s", endpoint, name, result.reason);
        }
    }
    for (const auto& unknown : excluded) {
        lines +=
            "warn: some health checks cannot be excluded: no matches for \"" + unknown + "\"\n";
    }
    if (failed) {
        sendText(response, 500, lines + endpoint + " check failed\n");
    } else if (request.hasQuery("verbose")) {
        sendText(response, 200, lines + endpoint + " check passed\n");
    } else {
        sendText(response, 200, "ok");
    }
}

void HealthEndpoints::serveOne(const CheckList& checks, RouteRequest& request,
                               Poco::Net::HTTPServerResponse& response) {
    const auto& wanted = request.param("check");
    auto it = std::find_if(checks.begin(), checks.end(),
                           [&](const Named& named) { return named.name == wanted; });
    if (it == checks.end()) {
        sendStatus(response, 404, "NotFound", "no health check named '" + wanted + "'");
        return;
    }
    auto result = it->check();
    if (result.ok) {
        sendText(response, 200, "ok");
    } else {
        sendText(response, 500, "internal server error: " + result.reason + "\n");
    }
}

}  // namespace kiod
