#pragma once

#include "ApiError.h"
#include "ResourceTable.h"
#include "ResponseFormat.h"

#include <kiod/Router.h>
#include <kiod/aggregatedapi/ResourceStorage.h>
#include <kiod/catalog/ObjectStore.h>

#include <memory>
#include <optional>
#include <string>
#include <variant>

namespace Poco::Net {
class HTTPServerResponse;
}

namespace kiod::aggregatedapi {

// A value or the ApiError the client gets instead.
template <class T>
class ApiResult {
public:
    ApiResult(T value) : outcome_(std::move(value)) {}         // NOLINT: implicit by design
    ApiResult(ApiError error) : outcome_(std::move(error)) {}  // NOLINT: implicit by design

    bool isOk() const { return outcome_.index() == 0; }
    explicit operator bool() const { return isOk(); }
    T& value() { return std::get<0>(outcome_); }
    const ApiError& error() const { return std::get<1>(outcome_); }

private:
    std::variant<T, ApiError> outcome_;
};

// One request on a resource, resolved: which resource, namespace, name and
// subresource the path names, and the storage that holds the kind.
struct ApiRequest {
    RouteRequest& route;
    Poco::Net::HTTPServerResponse& response;
    const ResourceInfo& resource;
    std::string ns;
    std::string name;
    std::string subresource;
    std::shared_ptr<catalog::ObjectStore> store;  // null for kinds never stored
    // `[aggregatedapi] platform_namespace`: where the platform's own actions
    // live (ExportAction, ImportAction, BatchRestoreAction, ReportAction).
    std::string platformNamespace;
    // `store` again, for the kinds a module stores (Backend::kModule): it
    // has rules of its own for them. Null for the catalog's kinds.
    std::shared_ptr<ResourceStorage> moduleStorage;

    catalog::ObjectKey key() const { return {resource.qualifiedName(), ns, name}; }
    catalog::ObjectKey keyOf(const std::string& otherName) const {
        return {resource.qualifiedName(), ns, otherName};
    }
    std::string header(const std::string& name) const;
    std::string body() const;
    // ?dryRun: absent, or All (the only value Kubernetes defines); anything
    // else is a 422.
    ApiResult<bool> dryRun() const;
    // The negotiated response format; 406 when nothing acceptable.
    ApiResult<ResponseFormat> format(bool list) const;

    // Sends one object (stored JSON, details already removed as needed) in
    // the negotiated format.
    void sendObject(int code, const std::string& json, const ResponseFormat& format) const {
        sendObject(response, resource, code, json, format);
    }
    static void sendObject(Poco::Net::HTTPServerResponse& response, const ResourceInfo& resource,
                           int code, const std::string& json, const ResponseFormat& format);
};

}  // namespace kiod::aggregatedapi
