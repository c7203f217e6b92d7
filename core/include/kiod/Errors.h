#pragma once

#include <stdexcept>
#include <string>

namespace kiod {

// A configuration value that is missing, malformed or inconsistent. The
// message names the key (`listener.api.threads: ...`) so that the operator
// can fix the file without reading code. Start-up stops with EX_CONFIG.
class ConfigError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Start-up cannot continue for a reason other than configuration: a module
// library that does not load, a dependency cycle, an address that cannot be
// bound. The message names the module or the address.
class StartupError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace kiod
