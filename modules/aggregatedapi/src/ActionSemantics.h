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
// Writes that belong together commit together (ObjectStore::apply): a
// content's claim and its RestorePoint; a RestorePoint's deletion and its
// content's unbinding; a content's deletion, its RestorePoint's and the
// RetireAction that reclaims its data. Each carries the revisions it read
// as preconditions, so a concurrent change is a Conflict (tried again where
// the client did not pin a revision), never half a change.
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

    // Deletes a RestorePointContent (as read, or as the preconditions say)
    // with its RestorePoint, and creates its RetireAction, in one commit.
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
