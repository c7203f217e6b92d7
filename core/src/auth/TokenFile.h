#pragma once

#include "TokenDigest.h"

#include <kiod/Status.h>
#include <kiod/UserInfo.h>

#include <string>
#include <string_view>
#include <vector>

namespace kiod {

// Static bearer tokens, in kube-apiserver's --token-auth-file format: CSV,
// one line per token, `token,user,uid` and optionally a quoted
// comma-separated list of groups: `31ada4fd,alice,1001,"dev,ops"`. Blank
// lines are skipped.
class TokenFile {
public:
    // Invalid naming the line: fewer than three fields, an empty token or
    // user, a quote left open, a token listed twice.
    static Result<TokenFile> parse(std::string_view text);

    // The user `token` belongs to, or null. Compares SHA-256 digests, every
    // one of them and in constant time (CRYPTO_memcmp), so that neither
    // the time taken nor the order of the file tells how much of a guessed
    // token was right. Adds system:authenticated.
    const UserInfo* find(std::string_view token) const;

    std::size_t size() const { return entries_.size(); }

private:
    struct Entry {
        TokenDigest digest;
        UserInfo user;
    };
    std::vector<Entry> entries_;
};

}  // namespace kiod
