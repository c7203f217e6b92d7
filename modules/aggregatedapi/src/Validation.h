#pragma once

#include "ObjectJson.h"
#include "ResourceTable.h"

#include <kiod/StatusResponse.h>

#include <string>
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
};

}  // namespace kiod::aggregatedapi
