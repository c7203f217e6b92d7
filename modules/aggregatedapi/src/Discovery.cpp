#include "Discovery.h"

namespace kiod::aggregatedapi {

namespace {

std::string stringArray(const std::vector<std::string>& values) {
    std::string out = "[";
    for (std::size_t i = 0; i < values.size(); ++i) {
        out += (i ? ",\"" : "\"") + values[i] + "\"";
    }
    return out + "]";
}

std::string resourceEntry(const std::string& name, const std::string& singular,
                          const ResourceInfo& resource, const std::vector<std::string>& verbs,
                          const std::vector<std::string>& shortNames) {
    std::string out = R"({"name":")" + name + R"(","singularName":")" + singular +
                      R"(","namespaced":)" + (resource.namespaced ? "true" : "false") +
                      R"(,"kind":")" + resource.kind + R"(","verbs":)" + stringArray(verbs);
    if (!shortNames.empty()) {
        out += R"(,"shortNames":)" + stringArray(shortNames);
    }
    return out + "}";
}

}  // namespace

Discovery::Discovery(const ResourceTable& table) : table_(table) {
    groupList_ = R"({"kind":"APIGroupList","apiVersion":"v1","groups":[)";
    bool first = true;
    for (const auto& group : table_.groups()) {
        groupList_ += (first ? "" : ",") + groupEntry(group);
        first = false;
    }
    groupList_ += "]}";
}

std::string Discovery::groupEntry(const std::string& group) const {
    std::string version;
    for (const auto& resource : table_.resources()) {
        if (resource.group == group) {
            version = resource.version;
            break;
        }
    }
    std::string gv =
        R"({"groupVersion":")" + group + "/" + version + R"(","version":")" + version + "\"}";
    return R"({"name":")" + group + R"(","versions":[)" + gv + R"(],"preferredVersion":)" + gv +
           "}";
}

std::optional<std::string> Discovery::group(std::string_view name) const {
    for (const auto& group : table_.groups()) {
        if (group == name) {
            auto entry = groupEntry(group);
            return R"({"kind":"APIGroup","apiVersion":"v1",)" + entry.substr(1);
        }
    }
    return std::nullopt;
}

std::optional<std::string> Discovery::resourceList(std::string_view group,
                                                   std::string_view version) const {
    auto resources = table_.inGroupVersion(group, version);
    if (resources.empty()) {
        return std::nullopt;
    }
    std::string out = R"({"kind":"APIResourceList","apiVersion":"v1","groupVersion":")" +
                      std::string(group) + "/" + std::string(version) + R"(","resources":[)";
    bool first = true;
    auto add = [&](const std::string& entry) {
        out += (first ? "" : ",") + entry;
        first = false;
    };
    for (const auto* resource : resources) {
        add(resourceEntry(resource->plural, resource->singular, *resource, resource->verbs,
                          resource->shortNames));
        if (resource->statusSubresource) {
            add(resourceEntry(resource->plural + "/status", "", *resource,
                              {"get", "patch", "update"}, {}));
        }
        if (resource->detailsSubresource) {
            add(resourceEntry(resource->plural + "/details", "", *resource, {"get"}, {}));
        }
    }
    return out + "]}";
}

std::string Discovery::version() {
    // The Kubernetes API level kiod's conventions follow (numeric major and
    // minor, so that kubectl's version-skew check can read them).
    return R"({"major":"1","minor":"32","gitVersion":"v1.32.0+kiod","gitCommit":"",)"
           R"("gitTreeState":"clean","buildDate":"","goVersion":"n/a","compiler":"gcc",)"
           R"("platform":"linux/amd64"})";
}

}  // namespace kiod::aggregatedapi
