#include "RequestHeaderAuthenticator.h"

#include <Poco/Logger.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/String.h>
#include <Poco/URI.h>

#include <algorithm>

namespace kiod {

namespace {

constexpr std::string_view kUser = "X-Remote-User";
constexpr std::string_view kGroup = "X-Remote-Group";
constexpr std::string_view kUid = "X-Remote-Uid";
constexpr std::string_view kExtraPrefix = "x-remote-extra-";

bool isExtra(const std::string& header) {
    return header.size() > kExtraPrefix.size() &&
           Poco::icompare(header.substr(0, kExtraPrefix.size()), std::string(kExtraPrefix)) == 0;
}

}  // namespace

Authentication RequestHeaderAuthenticator::authenticate(const Poco::Net::HTTPServerRequest& request,
                                                        const PeerCertificate* peer) const {
    if (!peer || !ca_.issued(*peer)) {
        return Authentication::none();
    }
    std::string commonName = peer->commonName();
    if (!allowedNames_.empty() &&
        std::find(allowedNames_.begin(), allowedNames_.end(), commonName) == allowedNames_.end()) {
        // Another authenticator may still know the certificate (when the
        // front proxy's CA is also tls.client_ca); the headers count for nothing.
        Poco::Logger::get("kiod.auth")
            .debug("front-proxy certificate CN '%s' is not in auth.requestheader.allowed_names",
                   commonName);
        return Authentication::none();
    }
    std::string name = request.get(std::string(kUser), "");  // a copy: get() may return its default
    if (name.empty()) {
        return Authentication::none();
    }
    UserInfo user;
    user.name = name;
    for (auto it = request.find(std::string(kGroup)); it != request.end(); ++it) {
        if (Poco::icompare(it->first, std::string(kGroup)) != 0) {
            break;
        }
        user.groups.push_back(it->second);
    }
    for (const auto& [header, value] : request) {
        if (isExtra(header)) {
            // The key is lower-cased and path-unescaped, as Go's
            // headerrequest does ("X-Remote-Extra-Scopes%2Fv1" is "scopes/v1").
            std::string key;
            Poco::URI::decode(Poco::toLower(header.substr(kExtraPrefix.size())), key);
            user.extra[key].push_back(value);
        }
    }
    return Authentication::authenticated(std::move(user));
}

void RequestHeaderAuthenticator::strip(Poco::Net::HTTPRequest& request) {
    std::vector<std::string> extras;
    for (const auto& [header, value] : request) {
        if (isExtra(header)) {
            extras.push_back(header);
        }
    }
    for (const auto& header : extras) {
        request.erase(header);
    }
    for (auto header : {kUser, kGroup, kUid}) {
        request.erase(std::string(header));
    }
}

}  // namespace kiod
