#include "AccessControl.h"

#include "AuthorizationRules.h"
#include "ClientCertificateAuthenticator.h"
#include "KubernetesClient.h"
#include "RequestHeaderAuthenticator.h"
#include "RulesAuthorizer.h"
#include "SubjectAccessReviewAuthorizer.h"
#include "TokenFileAuthenticator.h"
#include "TokenReviewAuthenticator.h"

#include <kiod/StatusResponse.h>

#include <Poco/Logger.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <algorithm>

namespace kiod {

AccessControl::AccessControl(const ListenerConfig& config, FileWatcher& watcher)
    : listener_(config.name), anonymousPaths_(config.auth.anonymousPaths) {
    const auto& auth = config.auth;
    if (!auth.enabled()) {
        return;
    }
    std::string prefix = "listener." + config.name + ".";
    try {
        // kube-apiserver's order: the front proxy, client certificates, tokens.
        if (!auth.requestHeaderCaFile.empty()) {
            authenticators_.push_back(std::make_unique<RequestHeaderAuthenticator>(
                auth.requestHeaderCaFile, auth.requestHeaderAllowedNames));
        }
        if (!config.tls.clientCaFile.empty()) {
            authenticators_.push_back(
                std::make_unique<ClientCertificateAuthenticator>(config.tls.clientCaFile));
        }
    } catch (const std::runtime_error& e) {
        throw ConfigError(prefix + "auth: " + e.what());
    }
    std::shared_ptr<const KubernetesClient> kubernetes;
    if (auth.asksKubernetes()) {
        kubernetes = std::make_shared<KubernetesClient>(prefix, auth.kubernetes, watcher);
    }
    // The token file first: it answers without asking kube-apiserver.
    if (!auth.tokenFile.empty()) {
        authenticators_.push_back(std::make_unique<TokenFileAuthenticator>(
            prefix + "auth.token_file", auth.tokenFile, watcher));
    }
    if (auth.tokenReview) {
        authenticators_.push_back(std::make_unique<TokenReviewAuthenticator>(
            kubernetes, auth.tokenReviewAudiences, auth.tokenReviewCacheTtl));
    }
    // The rules first, for the same reason.
    if (!auth.rulesFile.empty()) {
        authorizers_.push_back(
            std::make_unique<RulesAuthorizer>(prefix + "auth.rules_file", auth.rulesFile, watcher));
    }
    if (auth.subjectAccessReview) {
        authorizers_.push_back(std::make_unique<SubjectAccessReviewAuthorizer>(
            kubernetes, auth.subjectAccessReviewAllowTtl, auth.subjectAccessReviewDenyTtl));
    }
}

bool AccessControl::mayBlock() const {
    return std::any_of(authenticators_.begin(), authenticators_.end(),
                       [](const auto& a) { return a->mayBlock(); }) ||
           std::any_of(authorizers_.begin(), authorizers_.end(),
                       [](const auto& a) { return a->mayBlock(); });
}

bool AccessControl::admit(Poco::Net::HTTPServerRequest& http, const PeerCertificate* peer,
                          const RequestAttributes& request, UserInfo& user,
                          Poco::Net::HTTPServerResponse& response) const {
    if (open()) {
        RequestHeaderAuthenticator::strip(http);
        user = UserInfo::anonymous();
        return true;
    }
    bool authenticated = authenticate(http, peer, request, user);
    RequestHeaderAuthenticator::strip(http);
    if (!authenticated) {
        sendStatus(response, 401, "Unauthorized", "Unauthorized");
        return false;
    }
    // Health probes (auth.anonymous_paths) are for everyone, as
    // kube-apiserver's AlwaysAllowPaths.
    if (AuthorizationRules::pathMatches(anonymousPaths_, request.path) ||
        user.inGroup(UserInfo::kMastersGroup)) {
        return true;
    }
    auto decision = authorize(user, request);
    if (decision.decision == Authorization::Decision::kAllow) {
        return true;
    }
    StatusDetails details;
    if (request.resourceRequest) {
        details.name = request.name;
        details.group = request.apiGroup;
        details.kind = request.resource;
    }
    sendStatus(response, 403, "Forbidden", forbiddenMessage(user, request, decision.reason),
               details);
    return false;
}

bool AccessControl::authenticate(Poco::Net::HTTPServerRequest& http, const PeerCertificate* peer,
                                 const RequestAttributes& request, UserInfo& user) const {
    bool rejected = false;
    for (const auto& authenticator : authenticators_) {
        auto result = authenticator->authenticate(http, peer);
        if (result.outcome == Authentication::Outcome::kAuthenticated) {
            user = std::move(result.user);
            if (!user.inGroup(UserInfo::kAuthenticatedGroup)) {
                user.groups.emplace_back(UserInfo::kAuthenticatedGroup);
            }
            return true;
        }
        if (result.outcome == Authentication::Outcome::kRejected) {
            rejected = true;
            Poco::Logger::get("kiod.auth")
                .debug("listener %s: %s from %s", listener_, result.reason,
                       http.clientAddress().toString());
        }
    }
    // Credentials that prove nothing are refused even where anonymous
    // requests are let in: the client meant to be someone.
    if (!rejected && AuthorizationRules::pathMatches(anonymousPaths_, request.path)) {
        user = UserInfo::anonymous();
        return true;
    }
    return false;
}

Authorization AccessControl::authorize(const UserInfo& user,
                                       const RequestAttributes& request) const {
    // The reasons of those without an opinion still explain the 403, one
    // per line, as kube-apiserver's union authorizer joins them.
    std::string reasons;
    for (const auto& authorizer : authorizers_) {
        auto decision = authorizer->authorize(user, request);
        if (decision.decision != Authorization::Decision::kNoOpinion) {
            return decision;
        }
        if (!decision.reason.empty()) {
            reasons += (reasons.empty() ? "" : "\n") + decision.reason;
        }
    }
    return {Authorization::Decision::kDeny, reasons};
}

std::string AccessControl::forbiddenMessage(const UserInfo& user, const RequestAttributes& request,
                                            const std::string& reason) {
    auto quoted = [](const std::string& text) { return "\"" + text + "\""; };
    std::string message;
    if (!request.resourceRequest) {
        message = "forbidden: User " + quoted(user.name) + " cannot " + request.verb + " path " +
                  quoted(request.path);
    } else {
        std::string resource =
            request.apiGroup.empty() ? request.resource : request.resource + "." + request.apiGroup;
        message =
            resource + (request.name.empty() ? "" : " " + quoted(request.name)) +
            " is forbidden: User " + quoted(user.name) + " cannot " + request.verb + " resource " +
            quoted(request.resourceAndSubresource()) + " in API group " + quoted(request.apiGroup) +
            (request.namespaceName.empty() ? " at the cluster scope"
                                           : " in the namespace " + quoted(request.namespaceName));
    }
    return reason.empty() ? message : message + ": " + reason;
}

}  // namespace kiod
