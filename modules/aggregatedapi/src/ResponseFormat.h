#pragma once

#include <optional>
#include <string_view>

namespace kiod::aggregatedapi {

// What the client asked to receive, negotiated from the Accept header as
// kube-apiserver does: the media types in order of preference (q, then
// position), the first one kiod can produce wins; protobuf, CBOR and unknown
// `as=` targets are skipped; no Accept or `*/*` means JSON.
struct ResponseFormat {
    enum class Shape {
        kObject,                 // the object or {Kind}List
        kTable,                  // meta.k8s.io Table
        kPartialObjectMetadata,  // PartialObjectMetadata or PartialObjectMetadataList
    };
    enum class IncludeObject { kNone, kMetadata, kObject };

    Shape shape = Shape::kObject;
    // Table only: what each row's `object` holds (?includeObject=).
    IncludeObject includeObject = IncludeObject::kMetadata;

    // nullopt when nothing in `accept` can be produced (406). `list` says
    // whether the request is for a collection: as=PartialObjectMetadataList
    // only fits one, as=PartialObjectMetadata only an object.
    static std::optional<ResponseFormat> negotiate(std::string_view accept, bool list);
    // Parses ?includeObject= (None, Metadata, Object); nullopt if unknown.
    static std::optional<IncludeObject> parseIncludeObject(std::string_view value);
};

}  // namespace kiod::aggregatedapi
