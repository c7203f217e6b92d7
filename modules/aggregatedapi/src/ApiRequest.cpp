#include "ApiRequest.h"

#include "PartialObjectMetadata.h"
#include "TableWriter.h"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/StreamCopier.h>

namespace kiod::aggregatedapi {

std::string ApiRequest::header(const std::string& name) const {
    return route.http().get(name, "");
}

std::string ApiRequest::body() const {
    std::string body;
    Poco::StreamCopier::copyToString(route.http().stream(), body);
    return body;
}

ApiResult<bool> ApiRequest::dryRun() const {
    auto values = route.queryAll("dryRun");
    for (const auto& value : values) {
        if (value != "All") {
            ApiError error;
            error.code = 422;
            error.reason = "Invalid";
            error.message =
                "dryRun: Unsupported value: \"" + value + "\": supported values: \"All\"";
            error.details.causes.push_back(
                {"FieldValueNotSupported",
                 "Unsupported value: \"" + value + "\": supported values: \"All\"", "dryRun"});
            return error;
        }
    }
    return !values.empty();
}

ApiResult<ResponseFormat> ApiRequest::format(bool list) const {
    auto format = ResponseFormat::negotiate(header("Accept"), list);
    if (!format) {
        return ApiError::notAcceptable();
    }
    if (auto include = route.query("includeObject")) {
        auto parsed = ResponseFormat::parseIncludeObject(*include);
        if (!parsed) {
            return ApiError::badRequest("includeObject: unsupported value \"" + *include +
                                        "\": supported values: None, Metadata, Object");
        }
        format->includeObject = *parsed;
    }
    return *format;
}

void ApiRequest::sendObject(Poco::Net::HTTPServerResponse& response, const ResourceInfo& resource,
                            int code, const std::string& json, const ResponseFormat& format) {
    std::string body;
    switch (format.shape) {
        case ResponseFormat::Shape::kObject:
            body = json;
            break;
        case ResponseFormat::Shape::kPartialObjectMetadata:
            body = PartialObjectMetadata::of(json);
            break;
        case ResponseFormat::Shape::kTable: {
            TableWriter table(resource, format.includeObject);
            table.addRow(json);
            body = table.finish("", "");
            break;
        }
    }
    body += '\n';
    response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(code));
    response.setContentType("application/json");
    response.sendBuffer(body.data(), body.size());
}

}  // namespace kiod::aggregatedapi
