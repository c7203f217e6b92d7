#pragma once

#include <kiod/Status.h>

#include <string_view>

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

// Sends a metav1.Status body (`application/json`) with the HTTP code. A
// TooManyRequests answer carries `Retry-After: 1`.
void sendStatus(Poco::Net::HTTPServerResponse& response, const Status& status);
void sendStatus(Poco::Net::HTTPServerResponse& response, int code, std::string_view reason,
                std::string_view message);

}  // namespace kiod
