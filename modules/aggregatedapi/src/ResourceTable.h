#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kiod::aggregatedapi {

// What the API does with objects of a kind beyond storing them
// (ActionSemantics).
enum class KindFamily {
    kAction,               // status.state Pending on create; cancellable
    kCancelAction,         // never stored: cancels its subject
    kRestorePoint,         // binds a RestorePointContent
    kRestorePointContent,  // deleting it retires it
    kClusterRestorePoint,
    kPasskey,
};

// The printer columns of a kind (TableWriter).
enum class Columns { kAction, kRestorePoint, kPasskey };

// Where a kind's objects live.
enum class Backend {
    kCatalog,  // the catalog's ObjectStore
    kModule,   // a ResourceStorage another module publishes
    kNone,     // never stored (CancelAction)
};

// One API resource: everything discovery, OpenAPI, routing, validation and
// printing need to know about it.
struct ResourceInfo {
    std::string group;
    std::string version;
    std::string kind;
    std::string plural;
    std::string singular;
    std::vector<std::string> shortNames;
    bool namespaced = true;
    // Verbs of the main resource, as discovery advertises them (sorted).
    std::vector<std::string> verbs;
    bool statusSubresource = true;
    bool detailsSubresource = true;
    // The member of `status` that only the details subresource serves
    // (actionDetails, restorePointDetails, restorePointContentDetails).
    std::string detailsField;
    KindFamily family = KindFamily::kAction;
    Columns columns = Columns::kAction;
    Backend backend = Backend::kCatalog;
    // Field selectors beyond metadata.name and metadata.namespace.
    bool stateFieldSelector = true;
    // Whether a create may carry status (kinds whose creators are the status
    // writers); otherwise the API sets it.
    bool statusOnCreate = false;

    std::string groupVersion() const { return group + "/" + version; }
    // The catalog's resource name and the `resource.group` of messages.
    std::string qualifiedName() const { return plural + "." + group; }
    bool allows(std::string_view verb) const;
};

// The static table of every resource kiod serves (shared/api/RESOURCES.md).
class ResourceTable {
public:
    static const ResourceTable& instance();

    const std::vector<ResourceInfo>& resources() const { return resources_; }
    // Groups in the order discovery lists them.
    std::vector<std::string> groups() const;
    std::vector<const ResourceInfo*> inGroupVersion(std::string_view group,
                                                    std::string_view version) const;
    const ResourceInfo* find(std::string_view group, std::string_view version,
                             std::string_view plural) const;
    const ResourceInfo* findKind(std::string_view group, std::string_view kind) const;
    bool hasGroupVersion(std::string_view group, std::string_view version) const;

private:
    ResourceTable();
    std::vector<ResourceInfo> resources_;
};

}  // namespace kiod::aggregatedapi
