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
// Every kind has a schema carrying x-kubernetes-group-version-kind (what
// `kubectl explain` looks for), and every item path a PATCH operation with
// the group-version-kind and the fieldValidation and dryRun parameters (what
// kubectl's query-parameter verifier looks for before it leaves validation
// to the server with fieldValidation=Strict). PATCH lists JSON patch and
// merge patch only, so that kubectl apply and edit send merge patches.
class OpenApi {
public:
    explicit OpenApi(const ResourceTable& table);

    const std::string& v2() const { return v2_; }
    const std::string& v3Index() const { return v3Index_; }
    std::optional<std::string> v3(std::string_view group, std::string_view version) const;

private:
    std::string v2_;
    std::string v3Index_;
    std::map<std::string, std::string, std::less<>> v3_;  // "group/version" -> document
};

}  // namespace kiod::aggregatedapi
