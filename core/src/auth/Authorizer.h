#pragma once

#include <kiod/RequestAttributes.h>
#include <kiod/UserInfo.h>

#include <string>

namespace kiod {

// What one authorizer says about a request (Kubernetes' authorizer.Decision).
struct Authorization {
    enum class Decision {
        kAllow,
        kDeny,       // stop here: 403
        kNoOpinion,  // the next authorizer decides; 403 after the last
    };
    Decision decision = Decision::kNoOpinion;
    // Appended to the 403 message after ": " when not empty, as
    // kube-apiserver appends a SubjectAccessReview's reason (of a denial,
    // or of no opinion when nobody allows).
    std::string reason;
};

// One way of deciding whether a user may do what a request asks. A
// listener's authorizers are asked in order after members of
// system:masters are let through; the first that allows or denies decides,
// and a request nobody allows is denied. Thread-safe.
class Authorizer {
public:
    virtual ~Authorizer() = default;
    virtual Authorization authorize(const UserInfo& user,
                                    const RequestAttributes& request) const = 0;
    // Whether authorize may wait on another server (SubjectAccessReview).
    virtual bool mayBlock() const { return false; }
};

}  // namespace kiod
