#pragma once

#include <kiod/RequestAttributes.h>
#include <kiod/Status.h>
#include <kiod/UserInfo.h>

#include <string>
#include <string_view>
#include <vector>

namespace kiod {

// The review objects through which kube-apiserver lends its authentication
// and authorization to an aggregated API server (the reference's 7.3 and
// 7.4): what kiod POSTs, and what it makes of the answer's status.

// authentication.k8s.io/v1 TokenReview, at
// /apis/authentication.k8s.io/v1/tokenreviews: who a bearer token is.
struct TokenReview {
    static constexpr const char* kPath = "/apis/authentication.k8s.io/v1/tokenreviews";

    bool authenticated = false;
    UserInfo user;                       // status.user, when authenticated
    std::vector<std::string> audiences;  // status.audiences: those the token is valid for
    std::string error;                   // status.error: why not, when kube-apiserver says

    // The body that asks about `token` for `audiences` (none: kube-apiserver's own).
    static std::string request(std::string_view token, const std::vector<std::string>& audiences);
    // Invalid when `json` is not a TokenReview with a status, or says
    // authenticated without a username.
    static Result<TokenReview> parseResponse(std::string_view json);
};

// authorization.k8s.io/v1 SubjectAccessReview, at
// /apis/authorization.k8s.io/v1/subjectaccessreviews: whether a user may do
// what a request asks, by the cluster's RBAC (or whichever authorizers
// kube-apiserver runs).
struct SubjectAccessReview {
    static constexpr const char* kPath = "/apis/authorization.k8s.io/v1/subjectaccessreviews";

    bool allowed = false;
    // Denied outright: no later authorizer may allow it. Not allowed and not
    // denied means no opinion.
    bool denied = false;
    std::string reason;           // status.reason, for the user's 403
    std::string evaluationError;  // status.evaluationError, for kiod's log

    // The body that asks whether `user` may do `request`: its
    // resourceAttributes (or nonResourceAttributes: path and verb), with
    // user, groups, extra and uid. Empty fields are left out, as Go's
    // omitempty does, so that equal questions are equal bodies.
    static std::string request(const UserInfo& user, const RequestAttributes& request);
    // Invalid when `json` is not a SubjectAccessReview with a status.
    static Result<SubjectAccessReview> parseResponse(std::string_view json);
};

}  // namespace kiod
