#pragma once

#include "ResourceTable.h"

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace kiod::aggregatedapi {

// The OpenAPI documents, built once from the resource table:
//   /openapi/v2                          Swagger 2.0 JSON of every group
//   /openapi/v3                          the index, one path per group-version
//   /openapi/v3/apis/{group}/{version}   OpenAPI 3.0 of one group-version
// /openapi/v2 also comes as protobuf (gnostic), the form kubectl 1.20 to
// 1.26 reads. Every kind has a schema carrying x-kubernetes-group-version-kind (what
// `kubectl explain` looks for), and every item path a PATCH operation with
// the group-version-kind and the fieldValidation and dryRun parameters (what
// kubectl's query-parameter verifier looks for before it leaves validation
// to the server with fieldValidation=Strict). PATCH lists JSON patch and
// merge patch only, so that kubectl apply and edit send merge patches.
class OpenApi {
public:
    explicit OpenApi(const ResourceTable& table);

    const std::string& v2() const { return v2_; }
    // /openapi/v2 as protobuf (OpenApiProtobuf), for kubectl before 1.27.
    const std::string& v2Protobuf() const { return v2Protobuf_; }
    // What kube-openapi answers with: the requested type's '@' is not valid
    // in a Content-Type (Go's mime parser refuses it).
    static constexpr const char* kProtobufType =
        "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";
    const std::string& v3Index() const { return v3Index_; }
    std::optional<std::string> v3(std::string_view group, std::string_view version) const;

private:
    std::string v2_;
    std::string v2Protobuf_;
    std::string v3Index_;
    std::map<std::string, std::string, std::less<>> v3_;  // "group/version" -> document
};

}  // namespace kiod::aggregatedapi
