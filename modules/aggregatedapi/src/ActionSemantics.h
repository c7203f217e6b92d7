#pragma once

#include "ApiRequest.h"
#include "ObjectJson.h"

#include <kiod/catalog/ObjectStore.h>

#include <functional>
#include <string>

namespace kiod::aggregatedapi {

// What creating and deleting objects means beyond storing them
// (RESOURCES.md): new actions start Pending, a CancelAction cancels its
// subject and is never stored, a RestorePoint binds an unbound
// RestorePointContent, deleting a RestorePoint unbinds its content, and
// deleting a RestorePointContent deletes its RestorePoint and creates a
// RetireAction.
//
// The store has no multi-object transaction, so each of these is a sequence
// of single-object writes, each with a revision precondition, ordered so that
// a failure part-way loses nothing: a RestorePoint is stored only once its
// content is claimed (the claim given back if storing fails); a content is
// removed only once its RetireAction exists (which goes again if removing
// fails); a binding left behind by a RestorePoint whose deletion could not
// unbind it is recognised as stale.
class ActionSemantics {
public:
    // Sets the server-set status of a new object: `state: Pending` on an
    // action; none on a RestorePoint (binding sets it); kinds whose creators
    // are the status writers keep theirs.
    static void prepareCreate(const ResourceInfo& resource, ObjectJson& object);

    // Cancels the subject of `cancelAction` (already validated); answers the
    // CancelAction as the client gets it.
    static ApiResult<std::string> cancel(const ApiRequest& request, ObjectJson& cancelAction,
                                         bool dryRun);

    // Stores the RestorePoint `restorePoint` (validated), bound to its content.
    static ApiResult<catalog::StoredObject> createRestorePoint(const ApiRequest& request,
                                                               ObjectJson& restorePoint,
                                                               bool dryRun);

    // Deletes `name` of the request's resource with its consequences;
    // answers the deleted object.
    static ApiResult<catalog::StoredObject> remove(const ApiRequest& request,
                                                   const std::string& name,
                                                   const catalog::Preconditions& preconditions,
                                                   bool dryRun);

    // Deletes a RestorePointContent: creates its RetireAction, removes it
    // (as read, or as the preconditions say), then its RestorePoint.
    static ApiResult<catalog::StoredObject> retireContent(
        const ApiRequest& request, const std::string& name,
        const catalog::Preconditions& preconditions);

    // Reads, changes and writes back one object, again on a concurrent
    // change (Conflict) a few times. `change` returns false to leave it.
    static Result<catalog::StoredObject> modify(catalog::ObjectStore& store,
                                                const catalog::ObjectKey& key,
                                                const std::function<bool(ObjectJson&)>& change);

    // An action state after which nothing happens to it any more.
    static bool finished(const std::string& state);
};

}  // namespace kiod::aggregatedapi
