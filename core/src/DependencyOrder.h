#pragma once

#include <string>
#include <vector>

namespace kiod {

struct ModuleDependencies {
    std::string name;
    std::vector<std::string> required;
    std::vector<std::string> optional;
};

// The order to initialize and start modules in: every module after the
// modules it depends on, otherwise in the order given (the configuration's).
// Throws StartupError for a required module that is not in `modules`
// (naming both) or for a cycle (naming its path: `a -> b -> a`).
std::vector<std::string> dependencyOrder(const std::vector<ModuleDependencies>& modules);

}  // namespace kiod
