#pragma once

#include "ObjectJson.h"
#include "ResourceTable.h"

#include <kiod/StatusResponse.h>

#include <string>
#include <string_view>
#include <vector>

namespace kiod::aggregatedapi {

// The rules an object of each kind must satisfy to be stored, each failure a
// cause naming its field (`spec.subject.name`), as kube-apiserver's
// validation reports them (FieldValueRequired, FieldValueInvalid,
// FieldValueTooLong, FieldValueForbidden).
class Validation {
public:
    // An object about to be created (its name already generated).
    // `platformNamespace` is where the platform's own actions must be
    // (ExportAction, ImportAction, BatchRestoreAction, ReportAction, and a
    // CancelAction of a cluster-scoped action).
    static std::vector<StatusCause> forCreate(const ResourceInfo& resource,
                                              const ObjectJson& object,
                                              const std::string& platformNamespace);
    // metadata alone (labels and annotations), for updates.
    static std::vector<StatusCause> metadata(const ObjectJson& object);

    // RFC 1123 subdomain: lower-case alphanumerics, '-' and '.', starting and
    // ending alphanumeric, at most 253 characters. Empty when valid, else why.
    static std::string dns1123Subdomain(std::string_view name);
    // RFC 1123 label (a namespace): as a subdomain, without '.', at most 63.
    static std::string dns1123Label(std::string_view name);
};

}  // namespace kiod::aggregatedapi
