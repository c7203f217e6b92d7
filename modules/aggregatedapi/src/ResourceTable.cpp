#include "ResourceTable.h"

#include <algorithm>

namespace kiod::aggregatedapi {

namespace {

constexpr const char* kActions = "actions.kio.kasten.io";
constexpr const char* kApps = "apps.kio.kasten.io";
constexpr const char* kVault = "vault.kio.kasten.io";
constexpr const char* kVersion = "v1alpha1";

// Labels and annotations may change on every stored kind (so that `kubectl
// label` and `annotate` work): hence update and patch everywhere.
const std::vector<std::string> kAllVerbs = {"create", "delete", "deletecollection", "get",
                                            "list",   "patch",  "update",           "watch"};
const std::vector<std::string> kNoCreate = {"delete", "deletecollection", "get",  "list",
                                            "patch",  "update",           "watch"};

ResourceInfo action(std::string kind, std::string plural, bool namespaced,
                    std::vector<std::string> shortNames = {}) {
    ResourceInfo info;
    info.group = kActions;
    info.version = kVersion;
    info.singular = plural.substr(0, plural.size() - 1);
    info.kind = std::move(kind);
    info.plural = std::move(plural);
    info.shortNames = std::move(shortNames);
    info.namespaced = namespaced;
    info.verbs = kAllVerbs;
    info.detailsField = "actionDetails";
    return info;
}

}  // namespace

bool ResourceInfo::allows(std::string_view verb) const {
    return std::find(verbs.begin(), verbs.end(), verb) != verbs.end();
}

const ResourceTable& ResourceTable::instance() {
    static const ResourceTable table;
    return table;
}

ResourceTable::ResourceTable() {
    resources_.push_back(action("BackupAction", "backupactions", true));
    resources_.push_back(action("RestoreAction", "restoreactions", true));
    resources_.push_back(action("BatchRestoreAction", "batchrestoreactions", true));
    resources_.push_back(action("ExportAction", "exportactions", true));
    resources_.push_back(action("ImportAction", "importactions", true));
    resources_.push_back(action("RunAction", "runactions", true));
    resources_.push_back(action("ValidateAction", "validateactions", true));
    resources_.push_back(action("ReportAction", "reportactions", true));
    resources_.push_back(action("BackupClusterAction", "backupclusteractions", false));
    resources_.push_back(action("RestoreClusterAction", "restoreclusteractions", false));
    auto retire = action("RetireAction", "retireactions", false);
    retire.verbs = kNoCreate;  // kiod creates them, when a restore point content goes
    resources_.push_back(retire);
    auto cancel = action("CancelAction", "cancelactions", true);
    cancel.verbs = {"create"};
    cancel.statusSubresource = false;
    cancel.detailsSubresource = false;
    cancel.detailsField.clear();
    cancel.family = KindFamily::kCancelAction;
    cancel.backend = Backend::kNone;
    resources_.push_back(cancel);

    ResourceInfo restorePoint;
    restorePoint.group = kApps;
    restorePoint.version = kVersion;
    restorePoint.kind = "RestorePoint";
    restorePoint.plural = "restorepoints";
    restorePoint.singular = "restorepoint";
    restorePoint.shortNames = {"rp"};
    restorePoint.verbs = kAllVerbs;
    restorePoint.detailsField = "restorePointDetails";
    restorePoint.family = KindFamily::kRestorePoint;
    restorePoint.columns = Columns::kRestorePoint;
    resources_.push_back(restorePoint);

    auto content = restorePoint;
    content.kind = "RestorePointContent";
    content.plural = "restorepointcontents";
    content.singular = "restorepointcontent";
    content.shortNames = {"rpc"};
    content.namespaced = false;
    content.detailsField = "restorePointContentDetails";
    content.family = KindFamily::kRestorePointContent;
    content.statusOnCreate = true;
    resources_.push_back(content);

    auto cluster = content;
    cluster.kind = "ClusterRestorePoint";
    cluster.plural = "clusterrestorepoints";
    cluster.singular = "clusterrestorepoint";
    cluster.shortNames = {"crp"};
    cluster.detailsField = "restorePointDetails";
    cluster.family = KindFamily::kClusterRestorePoint;
    resources_.push_back(cluster);

    ResourceInfo passkey;
    passkey.group = kVault;
    passkey.version = kVersion;
    passkey.kind = "Passkey";
    passkey.plural = "passkeys";
    passkey.singular = "passkey";
    passkey.namespaced = false;
    passkey.verbs = kAllVerbs;
    // Passkeys are a set, not a history: no deletecollection.
    std::erase(passkey.verbs, "deletecollection");
    passkey.statusSubresource = false;
    passkey.detailsSubresource = false;
    passkey.family = KindFamily::kPasskey;
    passkey.columns = Columns::kPasskey;
    passkey.backend = Backend::kModule;
    passkey.stateFieldSelector = false;
    // status (valid, state) is the crypto module's to write: what a create
    // carries is dropped.
    passkey.statusOnCreate = false;
    resources_.push_back(passkey);
}

std::vector<std::string> ResourceTable::groups() const {
    std::vector<std::string> groups;
    for (const auto& resource : resources_) {
        if (std::find(groups.begin(), groups.end(), resource.group) == groups.end()) {
            groups.push_back(resource.group);
        }
    }
    return groups;
}

std::vector<const ResourceInfo*> ResourceTable::inGroupVersion(std::string_view group,
                                                               std::string_view version) const {
    std::vector<const ResourceInfo*> found;
    for (const auto& resource : resources_) {
        if (resource.group == group && resource.version == version) {
            found.push_back(&resource);
        }
    }
    return found;
}

const ResourceInfo* ResourceTable::find(std::string_view group, std::string_view version,
                                        std::string_view plural) const {
    for (const auto& resource : resources_) {
        if (resource.group == group && resource.version == version && resource.plural == plural) {
            return &resource;
        }
    }
    return nullptr;
}

const ResourceInfo* ResourceTable::findKind(std::string_view group, std::string_view kind) const {
    for (const auto& resource : resources_) {
        if (resource.group == group && resource.kind == kind) {
            return &resource;
        }
    }
    return nullptr;
}

bool ResourceTable::hasGroupVersion(std::string_view group, std::string_view version) const {
    return !inGroupVersion(group, version).empty();
}

}  // namespace kiod::aggregatedapi
