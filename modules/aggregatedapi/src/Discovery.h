#pragma once

#include "ResourceTable.h"

#include <optional>
#include <string>
#include <string_view>

namespace kiod::aggregatedapi {

// Legacy (v1) discovery documents, built once from the resource table:
// /apis (APIGroupList), /apis/{group} (APIGroup), /apis/{group}/{version}
// (APIResourceList with subresources as `plural/status` and
// `plural/details`), and /version (version.Info). Clients that ask for
// aggregated discovery (apidiscovery.k8s.io/v2) get these as plain
// application/json and fall back, as client-go does by the Content-Type.
// Discovery is static: it keeps answering when the catalog is absent.
class Discovery {
public:
    explicit Discovery(const ResourceTable& table);

    const std::string& groupList() const { return groupList_; }
    std::optional<std::string> group(std::string_view name) const;
    std::optional<std::string> resourceList(std::string_view group, std::string_view version) const;
    static std::string version();

private:
    std::string groupEntry(const std::string& group) const;

    const ResourceTable& table_;
    std::string groupList_;
};

}  // namespace kiod::aggregatedapi
