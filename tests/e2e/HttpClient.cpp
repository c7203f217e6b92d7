#include "HttpClient.h"

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

namespace kiod::test {

std::unique_ptr<Poco::Net::HTTPClientSession> openSession(const std::string& baseUrl,
                                                          const std::string& caFile,
                                                          const std::string& certFile,
                                                          const std::string& keyFile) {
    Poco::URI uri(baseUrl);
    std::unique_ptr<Poco::Net::HTTPClientSession> session;
    if (uri.getScheme() == "https") {
        Poco::Net::Context::Params params;
        params.caLocation = caFile;
        params.verificationMode =
            caFile.empty() ? Poco::Net::Context::VERIFY_NONE : Poco::Net::Context::VERIFY_STRICT;
        params.loadDefaultCAs = false;
        params.certificateFile = certFile;
        params.privateKeyFile = keyFile;
        Poco::Net::Context::Ptr context =
            new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
        session =
            std::make_unique<Poco::Net::HTTPSClientSession>(uri.getHost(), uri.getPort(), context);
    } else {
        session = std::make_unique<Poco::Net::HTTPClientSession>(uri.getHost(), uri.getPort());
    }
    session->setTimeout(Poco::Timespan(20, 0));
    return session;
}

HttpResponse request(const std::string& baseUrl, const std::string& method, const std::string& path,
                     const RequestOptions& options) {
    auto session = openSession(baseUrl, options.caFile, options.certFile, options.keyFile);
    Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    if (!options.body.empty()) {
        request.setContentType(options.contentType);
        request.setContentLength(static_cast<std::streamsize>(options.body.size()));
    } else if (method == "POST" || method == "PUT") {
        request.setContentLength(0);
    }
    if (!options.bearerToken.empty()) {
        request.set("Authorization", "Bearer " + options.bearerToken);
    }
    for (const auto& [name, value] : options.headers) {
        request.add(name, value);
    }
    session->sendRequest(request) << options.body;
    Poco::Net::HTTPResponse response;
    auto& received = session->receiveResponse(response);
    HttpResponse result;
    result.status = response.getStatus();
    Poco::StreamCopier::copyToString(received, result.body);
    for (const auto& [name, value] : response) {
        result.headers.add(name, value);
    }
    return result;
}

HttpResponse request(const std::string& baseUrl, const std::string& method, const std::string& path,
                     const std::string& caFile) {
    RequestOptions options;
    options.caFile = caFile;
    return request(baseUrl, method, path, options);
}

HttpResponse request(const std::string& baseUrl, const std::string& method, const std::string& path,
                     const std::string& body, const std::string& contentType) {
    RequestOptions options;
    options.body = body;
    options.contentType = contentType;
    return request(baseUrl, method, path, options);
}

}  // namespace kiod::test
