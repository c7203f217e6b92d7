#pragma once

#include <kiod/Health.h>

#include <string>
#include <vector>

namespace kiod {

class ConfigSection;
class ModuleContext;

// One extension of kiod, built as libkiod_NAME.so and exported through a Poco
// manifest (POCO_BEGIN_MANIFEST(kiod::Module) ... POCO_EXPORT_CLASS(Impl)).
// Core knows modules only through this interface; modules meet each other
// only through services in the registry.
//
// Lifecycle, driven by core in dependency order:
//   configure   every enabled module, before anything opens: validate the
//               module's own section and keep the typed result;
//   initialize  open resources, publish services, mount routes;
//   start       begin background work; listeners open after every start;
//   stop        in reverse order, after listeners have drained, for every
//               module whose initialize returned (even if start did not
//               run): finish background work, flush, close. The module's
//               services are withdrawn right after.
// A module that throws from configure, initialize or start stops start-up
// with its message (ConfigError for configuration, anything else otherwise).
class Module {
public:
    virtual ~Module() = default;

    // The name in `[kiod] modules` and in libkiod_NAME.so.
    virtual std::string name() const = 0;

    // Modules that must be enabled for this one to run; they are initialized
    // and started first. A missing one is a start-up error.
    virtual std::vector<std::string> dependencies() const { return {}; }

    // Modules that, when enabled, are initialized and started first (so that
    // their services can be found during initialize); absent ones are fine.
    virtual std::vector<std::string> optionalDependencies() const { return {}; }

    // Reads the module's section ([NAME]). Throws ConfigError naming the key.
    virtual void configure(ConfigSection& section) = 0;

    virtual void initialize(ModuleContext& context) = 0;
    virtual void start() {}
    virtual void stop() {}

    // Readiness, served as /readyz/NAME. Runs on the listeners' event loops,
    // concurrently: must be thread-safe, never block and return in
    // microseconds (report state kept up to date elsewhere).
    virtual HealthCheck health() const { return HealthCheck::passing(); }
};

}  // namespace kiod
