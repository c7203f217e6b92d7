#include "JsonString.h"

#include <kiod/StatusResponse.h>

#include <Poco/Net/HTTPServerResponse.h>

#include <algorithm>

namespace kiod {

namespace {

void appendMember(std::string& out, bool& first, std::string_view name, std::string_view value) {
    if (value.empty()) {
        return;
    }
    out += first ? "" : ",";
    first = false;
    appendJsonString(out, name);
    out += ':';
    appendJsonString(out, value);
}

}  // namespace

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

std::string statusJson(int code, std::string_view reason, std::string_view message,
                       const StatusDetails& details) {
    std::string body;
    body.reserve(160 + message.size());
    body += R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":)";
    appendJsonString(body, message);
    body += R"(,"reason":)";
    appendJsonString(body, reason);
    if (!details.empty()) {
        body += R"(,"details":{)";
        bool first = true;
        appendMember(body, first, "name", details.name);
        appendMember(body, first, "group", details.group);
        appendMember(body, first, "kind", details.kind);
        appendMember(body, first, "uid", details.uid);
        if (!details.causes.empty()) {
            body += first ? "" : ",";
            first = false;
            body += R"("causes":[)";
            for (std::size_t i = 0; i < details.causes.size(); ++i) {
                const auto& cause = details.causes[i];
                body += i == 0 ? "{" : ",{";
                bool firstMember = true;
                appendMember(body, firstMember, "reason", cause.reason);
                appendMember(body, firstMember, "message", cause.message);
                appendMember(body, firstMember, "field", cause.field);
                body += '}';
            }
            body += ']';
        }
        if (details.retryAfterSeconds > 0) {
            body += first ? "" : ",";
            body += R"("retryAfterSeconds":)" + std::to_string(details.retryAfterSeconds);
        }
        body += '}';
    }
    body += R"(,"code":)";
    body += std::to_string(code);
    body += '}';
    return body;
}

void sendStatus(Poco::Net::HTTPServerResponse& response, const Status& status) {
    sendStatus(response, status, StatusDetails{});
}

void sendStatus(Poco::Net::HTTPServerResponse& response, const Status& status,
                const StatusDetails& details) {
    auto failure = httpFailureFor(status.code());
    sendStatus(response, failure.code, failure.reason, status.message(), details);
}

void sendStatus(Poco::Net::HTTPServerResponse& response, int code, std::string_view reason,
                std::string_view message, const StatusDetails& details) {
    std::string body = statusJson(code, reason, message, details);
    body += '\n';
    response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(code));
    response.setContentType("application/json");
    if (code == 429) {
        response.set("Retry-After", std::to_string(std::max(1, details.retryAfterSeconds)));
    }
    response.sendBuffer(body.data(), body.size());
}

}  // namespace kiod
