#include "Validation.h"

#include <kiod/aggregatedapi/ObjectNames.h>

#include <cctype>
#include <regex>

namespace kiod::aggregatedapi {

namespace {

using Causes = std::vector<StatusCause>;

void required(Causes& causes, const std::string& field) {
    causes.push_back({"FieldValueRequired", "Required value", field});
}

void invalid(Causes& causes, const std::string& field, const std::string& value,
             const std::string& why) {
    causes.push_back({"FieldValueInvalid", "Invalid value: \"" + value + "\": " + why, field});
}

// A label value: at most 63 of [A-Za-z0-9_.-], alphanumeric at both ends.
std::string labelValueProblem(std::string_view value) {
    if (value.size() > 63) {
        return "must be no more than 63 characters";
    }
    for (char c : value) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') {
            return "a valid label must consist of alphanumeric characters, '-', '_' or '.', and "
                   "must start and end with an alphanumeric character";
        }
    }
    if (!value.empty() && (!std::isalnum(static_cast<unsigned char>(value.front())) ||
                           !std::isalnum(static_cast<unsigned char>(value.back())))) {
        return "a valid label must consist of alphanumeric characters, '-', '_' or '.', and must "
               "start and end with an alphanumeric character";
    }
    return {};
}

// A qualified name: an optional DNS subdomain prefix and '/', then a name
// as a label value but non-empty.
std::string keyProblem(std::string_view key) {
    auto slash = key.find('/');
    if (slash != std::string_view::npos) {
        auto prefix = key.substr(0, slash);
        if (prefix.empty()) {
            return "prefix part must be non-empty";
        }
        if (auto problem = dns1123SubdomainProblem(prefix); !problem.empty()) {
            return "prefix part " + problem;
        }
        key = key.substr(slash + 1);
    }
    if (key.empty()) {
        return "name part must be non-empty";
    }
    if (auto problem = labelValueProblem(key); !problem.empty()) {
        return "name part " + problem;
    }
    return {};
}

void stringMap(Causes& causes, const ObjectJson& object, const char* member, bool labels) {
    const auto* map = object.find({"metadata", member});
    std::string field = std::string("metadata.") + member;
    if (!map || map->IsNull()) {
        return;
    }
    if (!map->IsObject()) {
        causes.push_back({"FieldValueInvalid", "Invalid value: must be a map of strings", field});
        return;
    }
    for (const auto& entry : map->GetObject()) {
        std::string key = entry.name.GetString();
        if (auto problem = keyProblem(key); !problem.empty()) {
            invalid(causes, field, key, problem);
        }
        if (!entry.value.IsString()) {
            causes.push_back(
                {"FieldValueInvalid", "Invalid value: must be a string", field + "[" + key + "]"});
        } else if (labels) {
            if (auto problem = labelValueProblem(entry.value.GetString()); !problem.empty()) {
                invalid(causes, field + "[" + key + "]", entry.value.GetString(), problem);
            }
        }
    }
}

const ObjectJson::Value* objectAt(Causes& causes, const ObjectJson& object,
                                  std::initializer_list<const char*> path, const std::string& field,
                                  bool mandatory) {
    const auto* value = object.find(path);
    if (!value || value->IsNull()) {
        if (mandatory) {
            required(causes, field);
        }
        return nullptr;
    }
    if (!value->IsObject()) {
        causes.push_back({"FieldValueInvalid", "Invalid value: must be an object", field});
        return nullptr;
    }
    return value;
}

void requiredString(Causes& causes, const ObjectJson::Value& parent, const char* member,
                    const std::string& field) {
    auto it = parent.FindMember(member);
    if (it == parent.MemberEnd() || it->value.IsNull() ||
        (it->value.IsString() && it->value.GetStringLength() == 0)) {
        required(causes, field);
    } else if (!it->value.IsString()) {
        causes.push_back({"FieldValueInvalid", "Invalid value: must be a string", field});
    }
}

std::string stringMember(const ObjectJson::Value& parent, const char* member) {
    auto it = parent.FindMember(member);
    return it != parent.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
}

// spec.subject{name[, namespace][, kind]}: required on the actions that act
// on something.
void subject(Causes& causes, const ResourceInfo& resource, const ObjectJson& object,
             bool needsKind) {
    const auto* found = objectAt(causes, object, {"spec", "subject"}, "spec.subject", true);
    if (!found) {
        return;
    }
    requiredString(causes, *found, "name", "spec.subject.name");
    if (needsKind) {
        requiredString(causes, *found, "kind", "spec.subject.kind");
    }
    // A BackupAction lives in its application's namespace.
    if (resource.kind == "BackupAction") {
        auto ns = stringMember(*found, "namespace");
        auto own = object.string({"metadata", "namespace"});
        if (!ns.empty() && ns != own) {
            invalid(causes, "spec.subject.namespace", ns,
                    "must be the BackupAction's namespace \"" + own + "\"");
        }
    }
}

}  // namespace

std::vector<StatusCause> Validation::metadata(const ObjectJson& object) {
    Causes causes;
    stringMap(causes, object, "labels", true);
    stringMap(causes, object, "annotations", false);
    return causes;
}

std::vector<StatusCause> Validation::forCreate(const ResourceInfo& resource,
                                               const ObjectJson& object,
                                               const std::string& platformNamespace) {
    Causes causes;
    const auto& kind = resource.kind;
    auto name = object.string({"metadata", "name"});
    if (name.empty()) {
        causes.push_back({"FieldValueRequired", "Required value: name or generateName is required",
                          "metadata.name"});
    } else if (name.size() > 253) {
        causes.push_back(
            {"FieldValueTooLong", "Too long: may not be more than 253 bytes", "metadata.name"});
    } else if (auto problem = dns1123SubdomainProblem(name); !problem.empty()) {
        invalid(causes, "metadata.name", name, problem);
    }
    auto ns = object.string({"metadata", "namespace"});
    if (resource.namespaced) {
        if (ns.empty()) {
            required(causes, "metadata.namespace");
        } else if (auto problem = dns1123LabelProblem(ns); !problem.empty()) {
            invalid(causes, "metadata.namespace", ns, problem);
        } else if ((kind == "ExportAction" || kind == "ImportAction" ||
                    kind == "BatchRestoreAction" || kind == "ReportAction") &&
                   ns != platformNamespace) {
            invalid(causes, "metadata.namespace", ns,
                    "a " + kind + " is created in the platform's namespace \"" + platformNamespace +
                        "\"");
        }
    } else if (!ns.empty()) {
        causes.push_back(
            {"FieldValueForbidden", "Forbidden: not allowed on this type", "metadata.namespace"});
    }
    auto more = metadata(object);
    causes.insert(causes.end(), more.begin(), more.end());
    if (const auto* spec = object.find({"spec"}); spec && !spec->IsNull() && !spec->IsObject()) {
        causes.push_back({"FieldValueInvalid", "Invalid value: must be an object", "spec"});
        return causes;
    }
    if (kind == "BackupAction" || kind == "RestoreAction" || kind == "ExportAction" ||
        kind == "RunAction" || kind == "ValidateAction" || kind == "RestoreClusterAction") {
        subject(causes, resource, object, false);
    }
    if (kind == "ExportAction") {
        if (const auto* profile =
                objectAt(causes, object, {"spec", "profile"}, "spec.profile", true)) {
            requiredString(causes, *profile, "name", "spec.profile.name");
        }
    }
    if (kind == "CancelAction") {
        subject(causes, resource, object, true);
        // Where the CancelAction lives says where its subject is: the
        // subject's namespace, or the platform's for a cluster-scoped one.
        auto subjectKind = object.string({"spec", "subject", "kind"});
        const auto* target = ResourceTable::instance().findKind(resource.group, subjectKind);
        auto subjectNamespace = object.string({"spec", "subject", "namespace"});
        if (target && target->namespaced && !subjectNamespace.empty() && subjectNamespace != ns) {
            invalid(causes, "spec.subject.namespace", subjectNamespace,
                    "must be the CancelAction's namespace \"" + ns + "\"");
        }
        if (target && !target->namespaced && ns != platformNamespace) {
            invalid(causes, "metadata.namespace", ns,
                    "a CancelAction of a cluster-scoped action is created in the platform's "
                    "namespace \"" +
                        platformNamespace + "\"");
        }
    }
    if (kind == "RestorePoint") {
        if (const auto* ref = objectAt(causes, object, {"spec", "restorePointContentRef"},
                                       "spec.restorePointContentRef", true)) {
            requiredString(causes, *ref, "name", "spec.restorePointContentRef.name");
        }
    }
    if (resource.family == KindFamily::kAction) {
        // RFC 3339, as metav1.Time serializes (what the catalog indexes).
        static const std::regex kRfc3339(
            R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2}))");
        if (const auto* expires = object.find({"spec", "expiresAt"});
            expires && !expires->IsNull() &&
            !(expires->IsString() && std::regex_match(expires->GetString(), kRfc3339))) {
            causes.push_back({"FieldValueInvalid",
                              "Invalid value: must be a time such as 2026-11-24T09:00:00Z",
                              "spec.expiresAt"});
        }
    }
    return causes;
}

}  // namespace kiod::aggregatedapi
