#pragma once

#include "ApiRouter.h"
#include "ResourceTable.h"
#include "RouteTable.h"
#include "SchemaMigrator.h"
#include "SqliteObjectStore.h"

#include <kiod/Router.h>
#include <kiod/ServiceRegistry.h>

#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/SocketAddress.h>

#include <filesystem>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace kiod::aggregatedapi::test {

// A response written into memory.
class MemoryResponse : public Poco::Net::HTTPServerResponse {
public:
    void sendContinue() override {}
    std::ostream& send() override {
        sent_ = true;
        return body_;
    }
    void sendFile(const std::string&, const std::string&) override {}
    void sendBuffer(const void* buffer, std::size_t length) override {
        sent_ = true;
        body_.write(static_cast<const char*>(buffer), static_cast<std::streamsize>(length));
    }
    void redirect(const std::string&, HTTPStatus) override {}
    void requireAuthentication(const std::string&) override {}
    bool sent() const override { return sent_; }
    std::string body() const { return body_.str(); }

private:
    bool sent_ = false;
    std::ostringstream body_;
};

// A request read from memory.
class MemoryRequest : public Poco::Net::HTTPServerRequest {
public:
    MemoryRequest(MemoryResponse& response, const std::string& body)
        : response_(response), body_(body), params_(new Poco::Net::HTTPServerParams) {}
    std::istream& stream() override { return body_; }
    const Poco::Net::SocketAddress& clientAddress() const override { return address_; }
    const Poco::Net::SocketAddress& serverAddress() const override { return address_; }
    const Poco::Net::HTTPServerParams& serverParams() const override { return *params_; }
    Poco::Net::HTTPServerResponse& response() const override { return response_; }
    bool secure() const override { return true; }

private:
    MemoryResponse& response_;
    std::istringstream body_;
    Poco::Net::SocketAddress address_;
    Poco::Net::HTTPServerParams::Ptr params_;
};

// The routes a module mounted, matched as core matches them.
class MemoryRouter : public Router {
public:
    bool hasListener(const std::string& listener) const override { return listener == "api"; }
    void mount(const std::string&, const std::string& method, const std::string& pattern,
               RouteHandler handler, Execution) override {
        routes_.push_back({method, RoutePattern(pattern), std::move(handler)});
    }
    void mount(const std::string& listener, const std::string& method, const std::string& pattern,
               RouteHandler handler, ExecutionSelector) override {
        mount(listener, method, pattern, std::move(handler), Execution::kWorker);
    }
    void addObserver(std::shared_ptr<RequestObserver>) override {}

    struct Reply {
        int status = 0;
        std::string body;
        std::string contentType;
        std::string retryAfter;
        std::string warning;
    };

    // One request through the mounted routes: the most specific pattern
    // that matches the path and method, as core picks it.
    Reply call(const std::string& method, const std::string& target, const std::string& body = "",
               const std::map<std::string, std::string>& headers = {});

private:
    struct Route {
        std::string method;
        RoutePattern pattern;
        RouteHandler handler;
    };
    std::vector<Route> routes_;
};

// A catalog in a temporary directory, published in a registry, and the
// aggregated API mounted on a MemoryRouter.
class ApiHarness {
public:
    explicit ApiHarness(bool withCatalog = true, WatchSettings watch = {});
    ~ApiHarness();

    MemoryRouter::Reply call(const std::string& method, const std::string& target,
                             const std::string& body = "",
                             const std::map<std::string, std::string>& headers = {}) {
        return router_.call(method, target, body, headers);
    }
    catalog::SqliteObjectStore& store() { return *store_; }
    std::shared_ptr<catalog::SqliteObjectStore> sharedStore() { return store_; }
    Services& services() { return services_; }
    // How many objects of `resource` (plural.group) the store holds.
    std::size_t count(const std::string& resource);

private:
    std::string dir_;
    std::shared_ptr<catalog::SqliteObjectStore> store_;
    ServiceRegistry registry_;
    Services services_{registry_, "test"};
    MemoryRouter router_;
    std::unique_ptr<ApiRouter> api_;
};

}  // namespace kiod::aggregatedapi::test
