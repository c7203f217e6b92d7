#include "TableWriter.h"

#include "PartialObjectMetadata.h"

#include <Poco/UTF8String.h>

namespace kiod::aggregatedapi {

namespace {

struct Column {
    const char* name;
    const char* type;
    const char* format;
    const char* description;
    int priority;
};

const Column kName{"Name", "string", "name",
                   "Name must be unique within a namespace. Cannot be updated.", 0};
const Column kCreated{"Created At", "date", "",
                      "CreationTimestamp is when the server created the object.", 0};
const Column kState{"State", "string", "", "The state of the object (status.state).", 0};

std::vector<Column> columnsOf(Columns columns) {
    switch (columns) {
        case Columns::kAction:
            return {kName,
                    kCreated,
                    kState,
                    {"Pct", "integer", "", "Progress in percent (status.progress).", 0},
                    {"Policy", "string", "", "The policy that created it (label).", 1},
                    {"App", "string", "", "The application it is about (label).", 1}};
        case Columns::kRestorePoint:
            return {kName,
                    kCreated,
                    kState,
                    {"App", "string", "", "The application it is about (label).", 0},
                    {"Policy", "string", "", "The policy that created it (label).", 0}};
        case Columns::kPasskey:
            return {kName, {"Valid", "boolean", "", "Whether kiod can use it (status.valid).", 0}};
    }
    return {kName};
}

std::string quote(const std::string& text) {
    return "\"" + Poco::UTF8::escape(text, true) + "\"";
}

std::string label(const std::map<std::string, std::string>& labels, const char* key) {
    auto it = labels.find(key);
    return quote(it == labels.end() ? "" : it->second);
}

std::string scalar(const ObjectJson& object, std::initializer_list<const char*> path) {
    const auto* value = object.find(path);
    if (!value || value->IsNull()) {
        return "null";
    }
    if (value->IsString() || value->IsNumber() || value->IsBool()) {
        return ObjectJson::serialize(*value);
    }
    return "null";
}

}  // namespace

std::string TableWriter::columnDefinitions() const {
    std::string out = "[";
    bool first = true;
    for (const auto& column : columnsOf(resource_.columns)) {
        out += first ? "" : ",";
        first = false;
        out += std::string(R"({"name":")") + column.name + R"(","type":")" + column.type +
               R"(","format":")" + column.format + R"(","description":")" + column.description +
               R"(","priority":)" + std::to_string(column.priority) + "}";
    }
    return out + "]";
}

void TableWriter::addRow(const std::string& json) {
    auto parsed = ObjectJson::parse(json);
    if (!parsed) {
        return;  // stored by the store from a validated object: not the case
    }
    const auto& object = parsed.value();
    auto labels = object.labels();
    std::string cells = quote(object.string({"metadata", "name"}));
    if (resource_.columns != Columns::kPasskey) {
        cells += "," + scalar(object, {"metadata", "creationTimestamp"});
        cells += "," + quote(object.string({"status", "state"}));
    }
    switch (resource_.columns) {
        case Columns::kAction:
            cells += "," + scalar(object, {"status", "progress"});
            cells += "," + label(labels, "k10.kasten.io/policyName");
            cells += "," + label(labels, "k10.kasten.io/appName");
            break;
        case Columns::kRestorePoint:
            cells += "," + label(labels, "k10.kasten.io/appName");
            cells += "," + label(labels, "k10.kasten.io/policyName");
            break;
        case Columns::kPasskey:
            cells += "," + scalar(object, {"status", "valid"});
            break;
    }
    rows_ += rows_.empty() ? "" : ",";
    rows_ += R"({"cells":[)" + cells + "]";
    switch (include_) {
        case ResponseFormat::IncludeObject::kNone:
            break;
        case ResponseFormat::IncludeObject::kMetadata:
            rows_ += R"(,"object":)" + PartialObjectMetadata::of(object);
            break;
        case ResponseFormat::IncludeObject::kObject:
            rows_ += R"(,"object":)" + json;
            break;
    }
    rows_ += "}";
}

std::string TableWriter::finish(const std::string& resourceVersion,
                                const std::string& continueToken, bool withColumns) const {
    std::string out = R"({"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":{)";
    if (!resourceVersion.empty()) {
        out += R"("resourceVersion":")" + resourceVersion + "\"";
    }
    if (!continueToken.empty()) {
        out += std::string(resourceVersion.empty() ? "" : ",") + R"("continue":")" + continueToken +
               "\"";
    }
    out += R"(},"columnDefinitions":)";
    out += withColumns ? columnDefinitions() : "[]";
    out += R"(,"rows":[)" + rows_ + "]}";
    return out;
}

}  // namespace kiod::aggregatedapi
