#pragma once

#include <string>

namespace kiod::aggregatedapi {

// metadata.generateName: the prefix cut to 58 characters and five random
// characters from Kubernetes' alphabet (no vowels, no look-alikes).
class NameGenerator {
public:
    static std::string fromPrefix(const std::string& prefix);
};

}  // namespace kiod::aggregatedapi
