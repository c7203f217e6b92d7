#include "TokenFileAuthenticator.h"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/String.h>

namespace kiod {

std::optional<std::string> bearerToken(const Poco::Net::HTTPServerRequest& request) {
    std::string header = request.get("Authorization", "");
    constexpr std::string_view kScheme = "bearer ";
    if (header.size() <= kScheme.size() ||
        Poco::icompare(header.substr(0, kScheme.size()), std::string(kScheme)) != 0) {
        return std::nullopt;
    }
    std::string token = Poco::trim(header.substr(kScheme.size()));
    if (token.empty()) {
        return std::nullopt;
    }
    return token;
}

TokenFileAuthenticator::TokenFileAuthenticator(const std::string& key, const std::string& path,
                                               FileWatcher& watcher)
    : file_(key, path, &TokenFile::parse) {
    watcher.add([this] { file_.poll(); });
}

Authentication TokenFileAuthenticator::authenticate(const Poco::Net::HTTPServerRequest& request,
                                                    const PeerCertificate*) const {
    auto token = bearerToken(request);
    if (!token) {
        return Authentication::none();
    }
    auto tokens = file_.current();
    if (const UserInfo* user = tokens->find(*token)) {
        return Authentication::authenticated(*user);
    }
    // TokenReview, when configured, comes next and may know the token.
    return Authentication::rejected("bearer token not in the token file");
}

}  // namespace kiod
