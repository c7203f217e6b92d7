#pragma once

#include "ApiRequest.h"

namespace kiod::aggregatedapi {

// The verbs on one object: get, create, update, patch, delete, and the
// status and details subresources.
//
// Rules (RESOURCES.md): kiod sets uid, resourceVersion, creationTimestamp,
// generation and the initial status; spec is immutable (422 "field is
// immutable"); labels and annotations may change; status changes only
// through /status; details (status.<detailsField>) is served only by
// /details. A resourceVersion in an update or patch is a precondition (409
// Conflict when stale).
class ObjectHandler {
public:
    static void get(ApiRequest& request);
    // The answer to come, when the create was left to finish after the
    // handler returns (the catalog commits it); null when answered.
    static std::shared_ptr<DeferredResponse> create(ApiRequest& request);
    static void update(ApiRequest& request);
    static void patch(ApiRequest& request);
    static void remove(ApiRequest& request);

    // Reads the optional DeleteOptions body: preconditions and dryRun.
    struct DeleteOptions {
        catalog::Preconditions preconditions;
        bool dryRun = false;
    };
    static ApiResult<DeleteOptions> deleteOptions(const ApiRequest& request);
};

}  // namespace kiod::aggregatedapi
