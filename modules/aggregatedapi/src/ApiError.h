#pragma once

#include "ResourceTable.h"

#include <kiod/Status.h>
#include <kiod/StatusResponse.h>

#include <string>

namespace Poco::Net {
class HTTPServerResponse;
}

namespace kiod::aggregatedapi {

// A failure as the client sees it: a metav1.Status with its HTTP code,
// reason, message and details, worded as kube-apiserver words them so that
// kubectl prints what users know.
struct ApiError {
    int code = 500;
    std::string reason = "InternalError";
    std::string message;
    StatusDetails details;

    static ApiError badRequest(std::string message);
    static ApiError notFoundPath();
    static ApiError notFound(const ResourceInfo& resource, const std::string& name);
    static ApiError alreadyExists(const ResourceInfo& resource, const std::string& name);
    static ApiError conflict(const ResourceInfo& resource, const std::string& name,
                             const std::string& why);
    // 422 with one cause per field: "Kind.group "name" is invalid: [f: m, ...]".
    static ApiError invalid(const ResourceInfo& resource, const std::string& name,
                            std::vector<StatusCause> causes);
    static ApiError methodNotAllowed(const ResourceInfo& resource, const std::string& verb);
    static ApiError notAcceptable();
    static ApiError unsupportedMediaType(const std::string& accepted);
    // The 503 of a kind whose storage is absent or not ready; the words the
    // aggregation layer uses, so that kubectl prints the familiar line.
    static ApiError unavailable();
    // A store's failure about `name` (empty for a collection).
    static ApiError fromStatus(const Status& status, const ResourceInfo& resource,
                               const std::string& name);

    void send(Poco::Net::HTTPServerResponse& response) const;
    std::string json() const { return statusJson(code, reason, message, details); }
};

}  // namespace kiod::aggregatedapi
