#include "PartialObjectMetadata.h"

namespace kiod::aggregatedapi {

std::string PartialObjectMetadata::of(const ObjectJson& object) {
    std::string out =
        R"({"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":)";
    const auto* metadata = object.find({"metadata"});
    out += metadata ? ObjectJson::serialize(*metadata) : "{}";
    out += '}';
    return out;
}

std::string PartialObjectMetadata::of(const std::string& storedJson) {
    auto parsed = ObjectJson::parse(storedJson);
    return parsed
               ? of(parsed.value())
               : R"({"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":{}})";
}

std::string PartialObjectMetadata::list(const std::string& items,
                                        const std::string& resourceVersion,
                                        const std::string& continueToken) {
    std::string out =
        R"({"kind":"PartialObjectMetadataList","apiVersion":"meta.k8s.io/v1","metadata":{"resourceVersion":")";
    out += resourceVersion + "\"";
    if (!continueToken.empty()) {
        out += R"(,"continue":")" + continueToken + "\"";
    }
    out += R"(},"items":[)" + items + "]}";
    return out;
}

}  // namespace kiod::aggregatedapi
