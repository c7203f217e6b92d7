#pragma once

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/NameValueCollection.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace kiod::test {

struct HttpResponse {
    int status = 0;
    std::string body;
    Poco::Net::NameValueCollection headers;
};

// A client session for `baseUrl` (`http://` or `https://HOST:PORT`). For
// HTTPS the server's certificate is verified against `caFile`, and the
// client presents the certificate `certFile` (key `keyFile`) if given.
std::unique_ptr<Poco::Net::HTTPClientSession> openSession(const std::string& baseUrl,
                                                          const std::string& caFile = "",
                                                          const std::string& certFile = "",
                                                          const std::string& keyFile = "");

// What a request carries besides its method and path.
struct RequestOptions {
    std::string body;  // sent with contentType when not empty
    std::string contentType = "application/json";
    std::string caFile;
    std::string certFile;  // a client certificate, with keyFile
    std::string keyFile;
    std::string bearerToken;  // Authorization: Bearer
    std::vector<std::pair<std::string, std::string>> headers;
};

// One request on a fresh connection; the whole response.
HttpResponse request(const std::string& baseUrl, const std::string& method, const std::string& path,
                     const RequestOptions& options);

// One request on a fresh connection; the whole response.
HttpResponse request(const std::string& baseUrl, const std::string& method, const std::string& path,
                     const std::string& caFile = "");

// The same with a request body of `contentType`.
HttpResponse request(const std::string& baseUrl, const std::string& method, const std::string& path,
                     const std::string& body, const std::string& contentType);

inline HttpResponse get(const std::string& baseUrl, const std::string& path) {
    return request(baseUrl, "GET", path);
}

}  // namespace kiod::test
