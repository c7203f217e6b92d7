#pragma once

#include "ObjectJson.h"

#include <string>

namespace kiod::aggregatedapi {

// meta.k8s.io/v1 PartialObjectMetadata: an object reduced to its metadata,
// what the metadata client (garbage collector, namespace and quota
// controllers) and Table rows use.
class PartialObjectMetadata {
public:
    static std::string of(const ObjectJson& object);
    static std::string of(const std::string& storedJson);
    // The list wrapper around `items` (each already PartialObjectMetadata).
    static std::string list(const std::string& items, const std::string& resourceVersion,
                            const std::string& continueToken);
};

}  // namespace kiod::aggregatedapi
