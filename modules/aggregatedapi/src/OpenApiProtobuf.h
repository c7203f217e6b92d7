#pragma once

#include <rapidjson/document.h>
#include <string>

namespace kiod::aggregatedapi {

// The protobuf encoding of a Swagger 2.0 document (gnostic's
// openapi.v2.Document, media type
// application/com.github.proto-openapi.spec.v2@v1.0+protobuf): the only
// form of /openapi/v2 that kubectl 1.20 to 1.26 reads, for client-side
// validation, explain and --dry-run=server. Encodes what kiod's documents
// use: info, paths with get/put/post/delete/patch operations and their
// body, query and path parameters, responses, and schemas ($ref, type,
// format, description, required, properties, additionalProperties, items,
// allOf, x- extensions, whose values gnostic carries as YAML, here JSON).
class OpenApiProtobuf {
public:
    static std::string encode(const rapidjson::Value& swagger);
};

}  // namespace kiod::aggregatedapi
