#include "ApiHarness.h"

#include <Poco/Net/HTTPRequest.h>

namespace kiod::aggregatedapi::test {

MemoryRouter::Reply MemoryRouter::call(const std::string& method, const std::string& target,
                                       const std::string& body,
                                       const std::map<std::string, std::string>& headers) {
    auto question = target.find('?');
    std::string path = target.substr(0, question);
    std::string query = question == std::string::npos ? "" : target.substr(question + 1);
    const Route* best = nullptr;
    std::vector<std::pair<std::string, std::string>> bestParams;
    for (const auto& route : routes_) {
        std::vector<std::pair<std::string, std::string>> params;
        if (route.method == method && route.pattern.match(path, params) &&
            (!best || route.pattern.moreSpecificThan(best->pattern))) {
            best = &route;
            bestParams = std::move(params);
        }
    }
    Reply reply;
    if (!best) {
        reply.status = 404;
        return reply;
    }
    MemoryResponse response;
    MemoryRequest request(response, body);
    request.setMethod(method);
    request.setURI(target);
    for (const auto& [name, value] : headers) {
        request.set(name, value);
    }
    RouteRequest routed(request, "api", path, query, std::move(bestParams));
    best->handler(routed, response);
    reply.status = static_cast<int>(response.getStatus());
    reply.body = response.body();
    reply.contentType = response.getContentType();
    reply.retryAfter = response.get("Retry-After", "");
    reply.warning = response.get("Warning", "");
    return reply;
}

ApiHarness::ApiHarness(bool withCatalog, WatchSettings watch) {
    char pattern[] = "/tmp/kiod-api-XXXXXX";
    dir_ = mkdtemp(pattern);
    if (withCatalog) {
        catalog::StoreOptions options;
        options.path = dir_ + "/model-store.db";
        options.synchronousFull = false;
        catalog::SchemaMigrator(catalog::catalogMigrations(), [](const std::string&) {
        }).prepare(options.path);
        store_ = std::make_shared<catalog::SqliteObjectStore>(options);
        services_.publish<catalog::ObjectStore>(store_);
    }
    api_ = std::make_unique<ApiRouter>(ResourceTable::instance(), services_, watch, "kasten-io",
                                       nullptr);
    api_->mount(router_, "api");
}

ApiHarness::~ApiHarness() {
    registry_.withdraw("test");
    if (store_) {
        store_->stop();
    }
    store_.reset();
    std::filesystem::remove_all(dir_);
}

std::size_t ApiHarness::count(const std::string& resource) {
    catalog::ListOptions options;
    options.resource = resource;
    auto page = store_->list(options);
    return page ? page->items.size() : 0;
}

}  // namespace kiod::aggregatedapi::test
