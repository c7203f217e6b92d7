#include <kiod/StatusResponse.h>

#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/UTF8String.h>

namespace kiod {

HttpFailure httpFailureFor(StatusCode code) {
    switch (code) {
        case StatusCode::kOk:
            return {200, ""};
        case StatusCode::kBadRequest:
            return {400, "BadRequest"};
        case StatusCode::kNotFound:
            return {404, "NotFound"};
        case StatusCode::kAlreadyExists:
            return {409, "AlreadyExists"};
        case StatusCode::kConflict:
            return {409, "Conflict"};
        case StatusCode::kInvalid:
            return {422, "Invalid"};
        case StatusCode::kExpired:
            return {410, "Expired"};
        case StatusCode::kOverloaded:
            return {429, "TooManyRequests"};
        case StatusCode::kUnavailable:
            return {503, "ServiceUnavailable"};
        case StatusCode::kForbidden:
            return {403, "Forbidden"};
        case StatusCode::kInternal:
            break;
    }
    return {500, "InternalError"};
}

void sendStatus(Poco::Net::HTTPServerResponse& response, const Status& status) {
    auto failure = httpFailureFor(status.code());
    sendStatus(response, failure.code, failure.reason, status.message());
}

void sendStatus(Poco::Net::HTTPServerResponse& response, int code, std::string_view reason,
                std::string_view message) {
    std::string body;
    body.reserve(160 + message.size());
    body += R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":")";
    body += Poco::UTF8::escape(std::string(message), true);
    body += R"(","reason":")";
    body += reason;
    body += R"(","code":)";
    body += std::to_string(code);
    body += "}\n";

    response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(code));
    response.setContentType("application/json");
    if (code == 429) {
        response.set("Retry-After", "1");
    }
    response.sendBuffer(body.data(), body.size());
}

}  // namespace kiod
