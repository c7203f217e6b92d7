#include "ActionSemantics.h"

#include "NameGenerator.h"

#include <Poco/DateTimeFormatter.h>
#include <Poco/Timestamp.h>
#include <Poco/UUIDGenerator.h>

namespace kiod::aggregatedapi {

namespace {

using catalog::ObjectKey;
using catalog::StoredObject;
using rapidjson::Value;

const char* kContents = "restorepointcontents.apps.kio.kasten.io";
const char* kRestorePoints = "restorepoints.apps.kio.kasten.io";
const char* kRetireActions = "retireactions.actions.kio.kasten.io";

const ResourceInfo& resourceNamed(const char* group, const char* plural) {
    return *ResourceTable::instance().find(group, "v1alpha1", plural);
}

std::string now() {
    return Poco::DateTimeFormatter::format(Poco::Timestamp(), "%Y-%m-%dT%H:%M:%SZ");
}

// The kinds a CancelAction may name.
bool cancellable(const std::string& kind) {
    for (const char* name :
         {"BackupAction", "RestoreAction", "ImportAction", "ExportAction", "RunAction",
          "RetireAction", "BackupClusterAction", "RestoreClusterAction", "BatchRestoreAction",
          "ValidateAction", "ReportAction"}) {
        if (kind == name) {
            return true;
        }
    }
    return false;
}

ApiError invalidField(const ResourceInfo& resource, const std::string& name,
                      const std::string& field, const std::string& message) {
    return ApiError::invalid(resource, name, {{"FieldValueInvalid", message, field}});
}

}  // namespace

bool ActionSemantics::finished(const std::string& state) {
    return state == "Complete" || state == "Failed" || state == "Cancelled" || state == "Skipped" ||
           state == "Deleting";
}

void ActionSemantics::prepareCreate(const ResourceInfo& resource, ObjectJson& object) {
    if (resource.statusOnCreate) {
        return;
    }
    object.remove({"status"});
    if (resource.family == KindFamily::kAction || resource.family == KindFamily::kCancelAction) {
        object.setString({"status", "state"}, "Pending");
    }
}

Result<StoredObject> ActionSemantics::modify(catalog::ObjectStore& store, const ObjectKey& key,
                                             const std::function<bool(ObjectJson&)>& change) {
    for (int attempt = 0;; ++attempt) {
        auto current = store.get(key);
        if (!current) {
            return current.status();
        }
        auto parsed = ObjectJson::parse(current->json);
        if (!parsed) {
            return Status::internal("stored object " + key.name + " is not JSON");
        }
        if (!change(parsed.value())) {
            return current;
        }
        auto updated = store.update(key, parsed->serialize(), current->revision);
        if (updated || updated.status().code() != StatusCode::kConflict || attempt == 4) {
            return updated;
        }
    }
}

ApiResult<std::string> ActionSemantics::cancel(const ApiRequest& request, ObjectJson& cancelAction,
                                               bool dryRun) {
    const auto& self = request.resource;
    auto name = cancelAction.string({"metadata", "name"});
    auto kind = cancelAction.string({"spec", "subject", "kind"});
    auto subjectName = cancelAction.string({"spec", "subject", "name"});
    const auto* target = ResourceTable::instance().findKind(self.group, kind);
    if (!target || !cancellable(kind)) {
        return invalidField(self, name, "spec.subject.kind",
                            "Unsupported value: \"" + kind + "\": an action kind is required");
    }
    auto subjectNamespace = cancelAction.string({"spec", "subject", "namespace"});
    ObjectKey key{
        target->qualifiedName(),
        target->namespaced ? (subjectNamespace.empty() ? request.ns : subjectNamespace) : "",
        subjectName};
    if (!request.store) {
        return ApiError::unavailable();
    }
    Result<StoredObject> subject = request.store->get(key);
    if (subject && !dryRun) {
        subject = modify(*request.store, key, [](ObjectJson& object) {
            if (finished(object.string({"status", "state"}))) {
                return false;
            }
            object.setString({"status", "state"}, "Cancelled");
            return true;
        });
    }
    if (!subject) {
        return ApiError::fromStatus(subject.status(), *target, subjectName);
    }
    // Never stored, but answered as if it were, so that `kubectl create`
    // prints it.
    cancelAction.remove({"status"});
    cancelAction.setString({"metadata", "uid"},
                           Poco::UUIDGenerator::defaultGenerator().createRandom().toString());
    cancelAction.setString({"metadata", "creationTimestamp"}, now());
    return cancelAction.serialize();
}

ApiResult<StoredObject> ActionSemantics::createRestorePoint(const ApiRequest& request,
                                                            ObjectJson& restorePoint, bool dryRun) {
    const auto& self = request.resource;
    auto& store = *request.store;
    auto name = restorePoint.string({"metadata", "name"});
    auto contentName = restorePoint.string({"spec", "restorePointContentRef", "name"});
    const auto& contents = resourceNamed("apps.kio.kasten.io", "restorepointcontents");
    ObjectKey contentKey{kContents, "", contentName};
    auto content = store.get(contentKey);
    if (!content) {
        if (content.status().code() == StatusCode::kNotFound) {
            return invalidField(self, name, "spec.restorePointContentRef.name",
                                "Not found: \"" + contentName + "\"");
        }
        return ApiError::fromStatus(content.status(), contents, contentName);
    }
    auto parsedContent = ObjectJson::parse(content->json);
    if (!parsedContent) {
        return ApiError::fromStatus(parsedContent.status(), contents, contentName);
    }
    auto boundTo = parsedContent->string({"status", "restorePointRef", "name"});
    bool bound = parsedContent->string({"status", "state"}) == "Bound" || !boundTo.empty();
    if (bound && !boundTo.empty()) {
        // A binding to a RestorePoint that no longer exists is stale (the
        // catalog's retention removes RestorePoints whose spec.expiresAt
        // passed, knowing nothing of bindings): the content is free.
        auto holder =
            store.get({kRestorePoints,
                       parsedContent->string({"status", "restorePointRef", "namespace"}), boundTo});
        bound = holder || holder.status().code() != StatusCode::kNotFound;
    }
    if (bound) {
        return invalidField(
            self, name, "spec.restorePointContentRef.name",
            "Invalid value: \"" + contentName + "\": the restore point content is already bound");
    }
    restorePoint.setString({"status", "state"}, "Bound");
    // What the content knows about the backup, as a RestorePoint shows it.
    for (const char* field :
         {"scheduledTime", "actionTime", "logicalSizeBytes", "physicalSizeBytes", "vmInfo"}) {
        if (const auto* value = parsedContent->find({"status", field}); value && !value->IsNull()) {
            restorePoint.set({"status", field}, Value(*value, restorePoint.allocator()));
        }
    }
    if (dryRun) {
        return StoredObject{request.key(), "", 0, restorePoint.serialize()};
    }
    // The content's claim and the RestorePoint commit together; the
    // content's revision as precondition means that of two RestorePoints
    // racing for one content, exactly one binds it.
    parsedContent->setString({"status", "state"}, "Bound");
    parsedContent->setString({"status", "restorePointRef", "name"}, name);
    parsedContent->setString({"status", "restorePointRef", "namespace"}, request.ns);
    auto applied = store.apply(
        {catalog::Mutation::update(contentKey, parsedContent->serialize(), content->revision),
         catalog::Mutation::create(request.keyOf(name), restorePoint.serialize())});
    if (!applied) {
        if (applied.status().code() == StatusCode::kConflict) {
            return ApiError::conflict(contents, contentName,
                                      "the restore point content changed while being bound; "
                                      "please try again");
        }
        return ApiError::fromStatus(applied.status(), self, name);
    }
    return applied.value().back();
}

namespace {

// The RetireAction that reclaims a RestorePointContent's data: labels
// copied, so that it is found by application and policy; Pending.
ObjectJson retireActionFor(const ObjectJson& content, const std::string& contentName) {
    auto retire = ObjectJson::parse(R"({"apiVersion":"actions.kio.kasten.io/v1alpha1",)"
                                    R"("kind":"RetireAction","metadata":{},"spec":{},)"
                                    R"("status":{"state":"Pending"}})");
    auto& action = retire.value();
    if (const auto* labels = content.find({"metadata", "labels"}); labels && labels->IsObject()) {
        action.set({"metadata", "labels"}, Value(*labels, action.allocator()));
    }
    if (const auto* scheduled = content.find({"status", "scheduledTime"});
        scheduled && scheduled->IsString()) {
        action.set({"spec", "scheduledTime"}, Value(*scheduled, action.allocator()));
    }
    action.setString({"spec", "subject", "kind"}, "RestorePointContent");
    action.setString({"spec", "subject", "name"}, contentName);
    action.set({"metadata", "generation"}, Value(1));
    return std::move(retire).value();
}

}  // namespace

ApiResult<StoredObject> ActionSemantics::remove(const ApiRequest& request, const std::string& name,
                                                const catalog::Preconditions& preconditions,
                                                bool dryRun) {
    const auto& self = request.resource;
    auto& store = *request.store;
    auto key = request.keyOf(name);
    if (dryRun) {
        auto current = store.get(key);
        if (!current) {
            return ApiError::fromStatus(current.status(), self, name);
        }
        if ((!preconditions.uid.empty() && preconditions.uid != current->uid) ||
            (preconditions.revision != 0 && preconditions.revision != current->revision)) {
            return ApiError::conflict(self, name, "Precondition failed");
        }
        if (request.moduleStorage) {
            if (Status allowed = request.moduleStorage->validateDelete(key); !allowed) {
                return ApiError::fromStatus(allowed, self, name);
            }
        }
        return current.value();
    }
    if (self.family == KindFamily::kRestorePointContent) {
        return retireContent(request, name, preconditions);
    }
    if (self.family != KindFamily::kRestorePoint) {
        auto removed = store.remove(key, preconditions);
        if (!removed) {
            return ApiError::fromStatus(removed.status(), self, name);
        }
        return removed.value();
    }
    // The RestorePoint goes, and its content, if still bound to it, is
    // unbound in the same commit. A conflict on the content (it changed
    // meanwhile) is tried again; one on the client's preconditions is theirs.
    for (int attempt = 0;; ++attempt) {
        std::vector<catalog::Mutation> mutations{catalog::Mutation::remove(key, preconditions)};
        auto current = store.get(key);
        if (!current) {
            return ApiError::fromStatus(current.status(), self, name);
        }
        auto parsed = ObjectJson::parse(current->json);
        auto contentName =
            parsed ? parsed->string({"spec", "restorePointContentRef", "name"}) : std::string();
        ObjectKey contentKey{kContents, "", contentName};
        if (auto content = contentName.empty() ? Result<StoredObject>(Status::notFound(""))
                                               : store.get(contentKey)) {
            auto unbound = ObjectJson::parse(content->json);
            if (unbound && unbound->string({"status", "restorePointRef", "name"}) == name &&
                unbound->string({"status", "restorePointRef", "namespace"}) == request.ns) {
                unbound->setString({"status", "state"}, "Unbound");
                unbound->remove({"status", "restorePointRef"});
                mutations.push_back(
                    catalog::Mutation::update(contentKey, unbound->serialize(), content->revision));
            }
        }
        auto applied = store.apply(mutations);
        if (applied) {
            return applied.value().front();
        }
        if (applied.status().code() != StatusCode::kConflict || mutations.size() == 1 ||
            attempt == 4) {
            return ApiError::fromStatus(applied.status(), self, name);
        }
    }
}

ApiResult<StoredObject> ActionSemantics::retireContent(
    const ApiRequest& request, const std::string& name,
    const catalog::Preconditions& preconditions) {
    const auto& self = request.resource;
    auto& store = *request.store;
    auto key = request.keyOf(name);
    auto current = store.get(key);
    if (!current) {
        return ApiError::fromStatus(current.status(), self, name);
    }
    auto content = ObjectJson::parse(current->json);
    if (!content) {
        return ApiError::fromStatus(content.status(), self, name);
    }
    // The RetireAction, the content's removal and its RestorePoint's commit
    // together: the content never goes without the action that reclaims its
    // data. A content changed meanwhile (a RestorePoint bound) is read again
    // unless the client's preconditions pinned it; a RetireAction name
    // already taken is drawn again.
    for (int attempt = 0;; ++attempt) {
        auto retireName = NameGenerator::fromPrefix("retire-" + name.substr(0, 40) + "-");
        auto action = retireActionFor(content.value(), name);
        action.setString({"metadata", "name"}, retireName);
        catalog::Preconditions expected = preconditions;
        if (expected.revision == 0) {
            expected.revision = current->revision;
        }
        std::vector<catalog::Mutation> mutations{
            catalog::Mutation::create({kRetireActions, "", retireName}, action.serialize()),
            catalog::Mutation::remove(key, expected)};
        auto rpName = content->string({"status", "restorePointRef", "name"});
        ObjectKey rpKey{kRestorePoints, content->string({"status", "restorePointRef", "namespace"}),
                        rpName};
        if (auto restorePoint =
                rpName.empty() ? Result<StoredObject>(Status::notFound("")) : store.get(rpKey)) {
            mutations.push_back(catalog::Mutation::remove(rpKey, {.uid = restorePoint->uid}));
        }
        auto applied = store.apply(mutations);
        if (applied) {
            return applied.value()[1];
        }
        auto code = applied.status().code();
        bool again = code == StatusCode::kAlreadyExists ||
                     (code == StatusCode::kConflict && preconditions.revision == 0);
        if (!again || attempt == 4) {
            return ApiError::fromStatus(applied.status(), self, name);
        }
        if (code == StatusCode::kConflict) {
            current = store.get(key);
            if (!current) {
                return ApiError::fromStatus(current.status(), self, name);
            }
            content = ObjectJson::parse(current->json);
            if (!content) {
                return ApiError::fromStatus(content.status(), self, name);
            }
        }
    }
}

}  // namespace kiod::aggregatedapi
