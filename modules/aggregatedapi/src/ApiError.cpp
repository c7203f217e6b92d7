#include "ApiError.h"

namespace kiod::aggregatedapi {

namespace {

ApiError make(int code, std::string reason, std::string message) {
    ApiError error;
    error.code = code;
    error.reason = std::move(reason);
    error.message = std::move(message);
    return error;
}

StatusDetails about(const std::string& name, const std::string& group, const std::string& kind) {
    StatusDetails details;
    details.name = name;
    details.group = group;
    details.kind = kind;
    return details;
}

std::string quoted(const std::string& name) {
    return "\"" + name + "\"";
}

}  // namespace

ApiError ApiError::badRequest(std::string message) {
    return make(400, "BadRequest", std::move(message));
}

ApiError ApiError::notFoundPath() {
    return make(404, "NotFound", "the server could not find the requested resource");
}

ApiError ApiError::notFound(const ResourceInfo& resource, const std::string& name) {
    auto error =
        make(404, "NotFound", resource.qualifiedName() + " " + quoted(name) + " not found");
    error.details = about(name, resource.group, resource.plural);
    return error;
}

ApiError ApiError::alreadyExists(const ResourceInfo& resource, const std::string& name) {
    auto error = make(409, "AlreadyExists",
                      resource.qualifiedName() + " " + quoted(name) + " already exists");
    error.details = about(name, resource.group, resource.plural);
    return error;
}

ApiError ApiError::conflict(const ResourceInfo& resource, const std::string& name,
                            const std::string& why) {
    auto error = make(409, "Conflict",
                      "Operation cannot be fulfilled on " + resource.qualifiedName() + " " +
                          quoted(name) + ": " + why);
    error.details = about(name, resource.group, resource.plural);
    return error;
}

ApiError ApiError::invalid(const ResourceInfo& resource, const std::string& name,
                           std::vector<StatusCause> causes) {
    std::string what;
    for (const auto& cause : causes) {
        what += (what.empty() ? "" : ", ") + cause.field + ": " + cause.message;
    }
    if (causes.size() > 1) {
        what = "[" + what + "]";
    }
    auto error =
        make(422, "Invalid",
             resource.kind + "." + resource.group + " " + quoted(name) + " is invalid: " + what);
    error.details = about(name, resource.group, resource.kind);
    error.details.causes = std::move(causes);
    return error;
}

ApiError ApiError::methodNotAllowed(const ResourceInfo& resource, const std::string& verb) {
    auto error =
        make(405, "MethodNotAllowed",
             verb + " is not supported on resources of kind " + quoted(resource.qualifiedName()));
    error.details = about("", resource.group, resource.plural);
    return error;
}

ApiError ApiError::notAcceptable() {
    return make(406, "NotAcceptable",
                "only the following media types are accepted: application/json, "
                "application/json;as=Table;v=v1;g=meta.k8s.io, "
                "application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io, "
                "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io");
}

ApiError ApiError::unsupportedMediaType(const std::string& accepted) {
    return make(415, "UnsupportedMediaType",
                "the body of the request was in an unknown format - accepted media types "
                "include: " +
                    accepted);
}

ApiError ApiError::unavailable() {
    return make(503, "ServiceUnavailable", "the server is currently unable to handle the request");
}

ApiError ApiError::fromStatus(const Status& status, const ResourceInfo& resource,
                              const std::string& name) {
    switch (status.code()) {
        case StatusCode::kNotFound:
            if (!name.empty()) {
                return notFound(resource, name);
            }
            break;
        case StatusCode::kAlreadyExists:
            return alreadyExists(resource, name);
        case StatusCode::kConflict:
            return conflict(resource, name, status.message());
        case StatusCode::kUnavailable:
            return unavailable();
        case StatusCode::kOverloaded: {
            auto error = make(429, "TooManyRequests", "Too many requests, please try again later.");
            error.details.retryAfterSeconds = 1;
            return error;
        }
        case StatusCode::kInvalid: {
            // The store words them "field: what is wrong".
            const auto& text = status.message();
            auto colon = text.find(": ");
            bool named = colon != std::string::npos && text.find(' ') > colon;
            return invalid(resource, name,
                           {{"FieldValueInvalid", named ? text.substr(colon + 2) : text,
                             named ? text.substr(0, colon) : ""}});
        }
        default:
            break;
    }
    auto failure = httpFailureFor(status.code());
    return make(
        failure.code, std::string(failure.reason),
        failure.code == 500 ? "Internal error occurred: " + status.message() : status.message());
}

void ApiError::send(Poco::Net::HTTPServerResponse& response) const {
    sendStatus(response, code, reason, message, details);
}

}  // namespace kiod::aggregatedapi
