#include "TokenReviewAuthenticator.h"

#include "KubernetesReviews.h"
#include "TokenFileAuthenticator.h"

#include <Poco/Logger.h>
#include <openssl/crypto.h>

#include <algorithm>

namespace kiod {

namespace {

// Distinct tokens remembered at once. Clients choose the keys, so the
// bound is what keeps a stream of made-up tokens from growing kiod.
constexpr std::size_t kCacheCapacity = 4096;

bool anyOf(const std::vector<std::string>& wanted, const std::vector<std::string>& offered) {
    return std::any_of(wanted.begin(), wanted.end(), [&](const std::string& audience) {
        return std::find(offered.begin(), offered.end(), audience) != offered.end();
    });
}

}  // namespace

TokenReviewAuthenticator::TokenReviewAuthenticator(
    std::shared_ptr<const KubernetesClient> kubernetes, std::vector<std::string> audiences,
    std::chrono::milliseconds cacheTtl)
    : kubernetes_(std::move(kubernetes)),
      audiences_(std::move(audiences)),
      cacheTtl_(cacheTtl),
      cache_(kCacheCapacity) {}

Authentication TokenReviewAuthenticator::authenticate(const Poco::Net::HTTPServerRequest& request,
                                                      const PeerCertificate*) const {
    auto token = bearerToken(request);
    if (!token) {
        return Authentication::none();
    }
    auto key = tokenDigest(*token);
    if (auto cached = cache_.get(key)) {
        return *cached;
    }
    auto reviewed = review(*token);
    OPENSSL_cleanse(token->data(), token->size());
    if (!reviewed) {
        // Not kept: the next request asks again, as soon as kube-apiserver is back.
        Poco::Logger::get("kiod.auth")
            .warning("TokenReview failed: %s", reviewed.status().message());
        return Authentication::rejected("TokenReview failed");
    }
    cache_.put(key, reviewed.value(), cacheTtl_);
    return std::move(reviewed).value();
}

Result<Authentication> TokenReviewAuthenticator::review(const std::string& token) const {
    std::string body = TokenReview::request(token, audiences_);
    auto answer = kubernetes_->post(TokenReview::kPath, body);
    OPENSSL_cleanse(body.data(), body.size());
    if (!answer) {
        return answer.status();
    }
    auto review = TokenReview::parseResponse(answer.value());
    if (!review) {
        return Status::unavailable(kubernetes_->url() + TokenReview::kPath + ": " +
                                   review.status().message());
    }
    if (!review->authenticated) {
        return Authentication::rejected("TokenReview: not authenticated" +
                                        (review->error.empty() ? "" : ": " + review->error));
    }
    // kube-apiserver's webhook authenticator requires the same: a token
    // for other audiences is not one for kiod.
    if (!audiences_.empty() && !anyOf(audiences_, review->audiences)) {
        return Authentication::rejected(
            "TokenReview: the token is not for auth.tokenreview.audiences");
    }
    return Authentication::authenticated(std::move(review->user));
}

}  // namespace kiod
