#pragma once

#include "Authorizer.h"
#include "ExpiringCache.h"
#include "KubernetesClient.h"

#include <chrono>
#include <memory>
#include <string>

namespace kiod {

// Asks kube-apiserver whether a user may do what a request asks, with a
// SubjectAccessReview (auth.subjectaccessreview), after the rules file
// found no rule that allows it. kube-apiserver's answer decides: allowed,
// denied (403 with its reason), or no opinion (403 too, being the last
// authorizer). Answers are kept for auth.subjectaccessreview.allow_cache_ttl
// and .deny_cache_ttl. When kube-apiserver cannot answer, the request is
// refused (403) with a warning in kiod's log, and nothing is kept.
class SubjectAccessReviewAuthorizer : public Authorizer {
public:
    SubjectAccessReviewAuthorizer(std::shared_ptr<const KubernetesClient> kubernetes,
                                  std::chrono::milliseconds allowTtl,
                                  std::chrono::milliseconds denyTtl);

    Authorization authorize(const UserInfo& user, const RequestAttributes& request) const override;
    bool mayBlock() const override { return true; }

private:
    std::shared_ptr<const KubernetesClient> kubernetes_;
    std::chrono::milliseconds allowTtl_;
    std::chrono::milliseconds denyTtl_;
    // By the review's body: the same user asking the same thing.
    mutable ExpiringCache<std::string, Authorization> cache_;
};

}  // namespace kiod
