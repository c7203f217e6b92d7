#pragma once

#include "ApiRequest.h"
#include "FieldSelector.h"
#include "ResponseFormat.h"

#include <kiod/catalog/ObjectStore.h>

#include <optional>
#include <string>

namespace kiod::aggregatedapi {

// Which objects a list, watch or deletecollection is about: the URL's
// namespace, labelSelector and fieldSelector. The store filters by
// namespace, name, state and labels through its indexes; `!=` field
// requirements are checked here on what it returns.
class Selection {
public:
    // BadRequest for an unsupported field or malformed selector (labels are
    // parsed by the store, which answers BadRequest itself).
    static ApiResult<Selection> of(const ApiRequest& request);

    // Whether no object can match (contradicting field requirements, or
    // metadata.namespace naming another namespace than the URL).
    bool empty() const { return empty_; }
    const std::string& ns() const { return ns_; }
    const std::string& labelSelector() const { return labelSelector_; }
    const FieldSelector& fields() const { return fields_; }
    // Whether some requirement is one the store does not filter on.
    bool needsFilter() const { return needsFilter_; }
    // Checks the requirements on a stored object.
    bool matches(const std::string& json) const;

    catalog::ListOptions listOptions(const ResourceInfo& resource) const;
    catalog::WatchOptions watchOptions(const ResourceInfo& resource) const;

private:
    Selection() = default;
    std::string ns_;
    std::string labelSelector_;
    FieldSelector fields_;
    bool empty_ = false;
    bool needsFilter_ = false;
};

// What a request on a collection (list, watch, deletecollection) starts
// from: the response format it negotiated and the objects it selects.
struct CollectionQuery {
    ResponseFormat format;
    Selection selection;

    // Nullopt once the failure of either has been answered on the request.
    static std::optional<CollectionQuery> of(ApiRequest& request, ApiResult<ResponseFormat> format);
};

}  // namespace kiod::aggregatedapi
