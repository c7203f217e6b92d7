#pragma once

#include <kiod/Status.h>

#include <string>
#include <string_view>
#include <vector>

namespace Poco::Net {
class HTTPServerResponse;
}

namespace kiod {

// The one table from StatusCode to HTTP: the code and the Kubernetes
// metav1.Status reason (NotFound, AlreadyExists, Conflict, Invalid, Expired,
// TooManyRequests, ServiceUnavailable, Forbidden, InternalError, BadRequest).
struct HttpFailure {
    int code;
    std::string_view reason;
};
HttpFailure httpFailureFor(StatusCode code);

// One entry of metav1.StatusDetails.causes: `reason` is the cause type
// (FieldValueRequired, FieldValueInvalid, FieldValueTooLong, ...), `field`
// the JSON path of the field it is about (`spec.subject.name`).
struct StatusCause {
    std::string reason;
    std::string message;
    std::string field;
};

// metav1.StatusDetails: what the failure is about. `kind` is the resource
// plural for NotFound, AlreadyExists and Conflict and the Kind for Invalid,
// as kube-apiserver sends them. Empty members are left out of the JSON.
struct StatusDetails {
    std::string name;
    std::string group;
    std::string kind;
    std::string uid;
    std::vector<StatusCause> causes;
    int retryAfterSeconds = 0;

    bool empty() const {
        return name.empty() && group.empty() && kind.empty() && uid.empty() && causes.empty() &&
               retryAfterSeconds == 0;
    }
};

// The metav1.Status JSON of a failure, on one line without a newline: what
// sendStatus sends, and what a watch sends inside an ERROR event.
std::string statusJson(int code, std::string_view reason, std::string_view message,
                       const StatusDetails& details = {});

// Sends a metav1.Status body (`application/json`) with the HTTP code. A
// TooManyRequests answer carries `Retry-After` (details.retryAfterSeconds,
// at least 1).
void sendStatus(Poco::Net::HTTPServerResponse& response, const Status& status);
void sendStatus(Poco::Net::HTTPServerResponse& response, const Status& status,
                const StatusDetails& details);
void sendStatus(Poco::Net::HTTPServerResponse& response, int code, std::string_view reason,
                std::string_view message, const StatusDetails& details = {});

}  // namespace kiod
