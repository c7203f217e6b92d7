#pragma once

#include "ModuleLoader.h"

#include <kiod/ModuleDirectory.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace Poco::Util {
class AbstractConfiguration;
}

namespace kiod {

class EffectiveConfiguration;
class Router;
class ServiceRegistry;

// The enabled modules and their lifecycle: loads them, orders them by their
// dependencies, configures, initializes and starts them in that order, stops
// them in reverse and withdraws their services.
class ModuleManager : public ModuleDirectory {
public:
    // Where modules' progress reports go besides their log (systemd STATUS).
    using ProgressSink = std::function<void(const std::string& message)>;

    // `loader` must outlive the manager and everything the modules gave to
    // `router` and `services`: their code lives in its libraries.
    ModuleManager(ModuleLoader& loader, ServiceRegistry& services, Router& router,
                  std::string dataDir, ProgressSink progress = nullptr);
    ~ModuleManager() override;

    // Loads `names` and orders them. Throws StartupError.
    void load(const std::vector<std::string>& names);

    // Every module reads its [NAME] section; keys it did not read are
    // rejected. Throws ConfigError naming the key.
    void configure(const Poco::Util::AbstractConfiguration& config,
                   EffectiveConfiguration& effective, const std::vector<std::string>& listeners);

    // Initializes, then starts, each module in order. On a failure, stops
    // what it initialized and throws with the module's name in the message.
    void initializeAndStart();

    // Stops in reverse order. Idempotent; never throws (failures are logged).
    void stop();

    // Start order.
    std::vector<std::string> names() const;
    HealthCheck health(const std::string& name) const;

    std::vector<ModuleState> modules() const override;

private:
    struct Entry;

    ModuleLoader& loader_;
    ServiceRegistry& services_;
    Router& router_;
    std::string dataDir_;
    ProgressSink progress_;
    std::vector<std::unique_ptr<Entry>> modules_;
};

}  // namespace kiod
