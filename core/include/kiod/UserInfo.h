#pragma once

#include <algorithm>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace kiod {

// Who sent a request, as the listener's authentication established it
// (Kubernetes' user.Info): from a client certificate, the aggregation
// layer's request headers, or a bearer token. Every authenticated user is in
// the group system:authenticated; a request without credentials, where the
// listener lets one through, is system:anonymous in system:unauthenticated.
struct UserInfo {
    static constexpr std::string_view kAnonymous = "system:anonymous";
    static constexpr std::string_view kUnauthenticatedGroup = "system:unauthenticated";
    static constexpr std::string_view kAuthenticatedGroup = "system:authenticated";
    // Allowed everything, whatever the rules say (kube-apiserver's
    // AlwaysAllowGroups).
    static constexpr std::string_view kMastersGroup = "system:masters";

    std::string name;
    std::string uid;
    std::vector<std::string> groups;
    // The request headers' X-Remote-Extra-KEY values, by KEY (lower case).
    std::map<std::string, std::vector<std::string>> extra;

    static UserInfo anonymous() {
        return {std::string(kAnonymous), "", {std::string(kUnauthenticatedGroup)}, {}};
    }
    bool inGroup(std::string_view group) const {
        return std::find(groups.begin(), groups.end(), group) != groups.end();
    }
};

}  // namespace kiod
