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
        // A binding to a RestorePoint that no longer exists is stale (its
        // deletion could not unbind the content): the content is free.
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
    // Claim the content first, with its revision as precondition: of two
    // RestorePoints racing for one content, exactly one claims it.
    parsedContent->setString({"status", "state"}, "Bound");
    parsedContent->setString({"status", "restorePointRef", "name"}, name);
    parsedContent->setString({"status", "restorePointRef", "namespace"}, request.ns);
    auto claimed = store.update(contentKey, parsedContent->serialize(), content->revision);
    if (!claimed) {
        if (claimed.status().code() == StatusCode::kConflict) {
            return ApiError::conflict(contents, contentName,
                                      "the restore point content changed while being bound; "
                                      "please try again");
        }
        return ApiError::fromStatus(claimed.status(), contents, contentName);
    }
    auto created = store.create(request.keyOf(name), restorePoint.serialize());
    if (!created) {
        // Give the claim back, so the content can be bound again.
        modify(store, contentKey, [&](ObjectJson& object) {
            if (object.string({"status", "restorePointRef", "name"}) != name) {
                return false;
            }
            object.setString({"status", "state"}, "Unbound");
            object.remove({"status", "restorePointRef"});
            return true;
        });
        return ApiError::fromStatus(created.status(), self, name);
    }
    return created.value();
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

ApiError removalError(const Status& status, const ResourceInfo& resource, const std::string& name) {
    if (status.code() == StatusCode::kConflict) {
        return ApiError::conflict(resource, name, "Precondition failed: " + status.message());
    }
    return ApiError::fromStatus(status, resource, name);
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
        return current.value();
    }
    if (self.family == KindFamily::kRestorePointContent) {
        return retireContent(request, name, preconditions);
    }
    auto removed = store.remove(key, preconditions);
    if (!removed) {
        return removalError(removed.status(), self, name);
    }
    auto parsed = ObjectJson::parse(removed->json);
    if (parsed && self.family == KindFamily::kRestorePoint) {
        auto contentName = parsed->string({"spec", "restorePointContentRef", "name"});
        if (!contentName.empty()) {
            // Unbind the content, if it is still bound to this one. Should
            // this fail, the binding is stale and the next RestorePoint
            // that names the content sees that (createRestorePoint).
            modify(store, {kContents, "", contentName}, [&](ObjectJson& content) {
                if (content.string({"status", "restorePointRef", "name"}) != name ||
                    content.string({"status", "restorePointRef", "namespace"}) != request.ns) {
                    return false;
                }
                content.setString({"status", "state"}, "Unbound");
                content.remove({"status", "restorePointRef"});
                return true;
            });
        }
    }
    return removed.value();
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
    // The RetireAction first: once the content is gone nothing else
    // remembers that its data must be reclaimed. If the content cannot be
    // removed after all, the RetireAction goes again.
    auto action = retireActionFor(content.value(), name);
    Result<StoredObject> retire = Status::internal("no name");
    for (int attempt = 0; attempt < 5; ++attempt) {
        auto retireName = NameGenerator::fromPrefix("retire-" + name.substr(0, 40) + "-");
        action.setString({"metadata", "name"}, retireName);
        retire = store.create({kRetireActions, "", retireName}, action.serialize());
        if (retire || retire.status().code() != StatusCode::kAlreadyExists) {
            break;
        }
    }
    if (!retire) {
        return ApiError::fromStatus(retire.status(),
                                    resourceNamed("actions.kio.kasten.io", "retireactions"), "");
    }
    // The content as read, unless the client's preconditions say otherwise:
    // a change in between (a RestorePoint bound meanwhile) is a Conflict.
    catalog::Preconditions expected = preconditions;
    if (expected.revision == 0) {
        expected.revision = current->revision;
    }
    auto removed = store.remove(key, expected);
    if (!removed) {
        store.remove(retire->key, {});
        return removalError(removed.status(), self, name);
    }
    auto rpName = content->string({"status", "restorePointRef", "name"});
    if (!rpName.empty()) {
        store.remove(
            {kRestorePoints, content->string({"status", "restorePointRef", "namespace"}), rpName},
            {});
    }
    return removed.value();
}

}  // namespace kiod::aggregatedapi
