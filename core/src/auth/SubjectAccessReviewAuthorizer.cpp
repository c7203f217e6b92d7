#include "SubjectAccessReviewAuthorizer.h"

#include "KubernetesReviews.h"

#include <Poco/Logger.h>

namespace kiod {

namespace {

// Distinct questions remembered at once: users times what they ask, and
// names of objects are in the question, hence a bound.
constexpr std::size_t kCacheCapacity = 4096;

}  // namespace

SubjectAccessReviewAuthorizer::SubjectAccessReviewAuthorizer(
    std::shared_ptr<const KubernetesClient> kubernetes, std::chrono::milliseconds allowTtl,
    std::chrono::milliseconds denyTtl)
    : kubernetes_(std::move(kubernetes)),
      allowTtl_(allowTtl),
      denyTtl_(denyTtl),
      cache_(kCacheCapacity) {}

Authorization SubjectAccessReviewAuthorizer::authorize(const UserInfo& user,
                                                       const RequestAttributes& request) const {
    auto body = SubjectAccessReview::request(user, request);
    if (auto cached = cache_.get(body)) {
        return *cached;
    }
    auto& log = Poco::Logger::get("kiod.auth");
    auto answer = kubernetes_->post(SubjectAccessReview::kPath, body);
    auto review = answer ? SubjectAccessReview::parseResponse(answer.value())
                         : Result<SubjectAccessReview>(answer.status());
    if (!review) {
        // Not kept: the next request asks again, as soon as kube-apiserver
        // is back. kube-apiserver itself answers 500 here; a 403 tells
        // clients as much without suggesting kiod is broken.
        log.warning("SubjectAccessReview failed: %s", review.status().message());
        return {Authorization::Decision::kNoOpinion, ""};
    }
    if (!review->evaluationError.empty()) {
        log.warning("SubjectAccessReview for user %s: %s", user.name, review->evaluationError);
    }
    Authorization decision{review->allowed  ? Authorization::Decision::kAllow
                           : review->denied ? Authorization::Decision::kDeny
                                            : Authorization::Decision::kNoOpinion,
                           review->reason};
    cache_.put(body, decision, review->allowed ? allowTtl_ : denyTtl_);
    return decision;
}

}  // namespace kiod
