#pragma once

#include "Authenticator.h"
#include "ExpiringCache.h"
#include "KubernetesClient.h"
#include "TokenDigest.h"

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace kiod {

// `Authorization: Bearer TOKEN` asked of kube-apiserver with a TokenReview
// (auth.tokenreview): after the token file, for ServiceAccount and other
// cluster tokens. Answers both ways are kept for auth.tokenreview.cache_ttl
// under the token's SHA-256, never the token. When kube-apiserver cannot
// answer, the token is rejected (401, as kube-apiserver's own webhook
// authenticator does), with a warning in kiod's log, and nothing is kept.
class TokenReviewAuthenticator : public Authenticator {
public:
    // `audiences`: those the token must be for (auth.tokenreview.audiences);
    // none: kube-apiserver's own.
    TokenReviewAuthenticator(std::shared_ptr<const KubernetesClient> kubernetes,
                             std::vector<std::string> audiences,
                             std::chrono::milliseconds cacheTtl);

    Authentication authenticate(const Poco::Net::HTTPServerRequest& request,
                                const PeerCertificate* peer) const override;
    bool mayBlock() const override { return true; }

private:
    // The answer of kube-apiserver, or why there is none.
    Result<Authentication> review(const std::string& token) const;

    std::shared_ptr<const KubernetesClient> kubernetes_;
    std::vector<std::string> audiences_;
    std::chrono::milliseconds cacheTtl_;
    mutable ExpiringCache<TokenDigest, Authentication> cache_;
};

}  // namespace kiod
