#pragma once

#include <kiod/Health.h>

#include <string>
#include <vector>

namespace kiod {

struct ModuleState {
    std::string name;
    bool running = false;  // started and not yet stopped
    HealthCheck health;
};

// The enabled modules and their state, published by core for modules that
// report on the others (kiod_module_up). Thread-safe.
class ModuleDirectory {
public:
    static constexpr const char* kServiceName = "core.ModuleDirectory";

    virtual ~ModuleDirectory() = default;
    // In start order.
    virtual std::vector<ModuleState> modules() const = 0;
};

}  // namespace kiod
