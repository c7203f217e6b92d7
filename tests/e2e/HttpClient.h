#pragma once

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/NameValueCollection.h>

#include <memory>
#include <string>

namespace kiod::test {

struct HttpResponse {
    int status = 0;
    std::string body;
    Poco::Net::NameValueCollection headers;
};

// A client session for `baseUrl` (`http://` or `https://HOST:PORT`). For
// HTTPS the server's certificate is verified against `caFile`.
std::unique_ptr<Poco::Net::HTTPClientSession> openSession(const std::string& baseUrl,
                                                          const std::string& caFile = "");

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
