#include "ModuleManager.h"

#include "DependencyOrder.h"

#include <kiod/ConfigSection.h>
#include <kiod/Errors.h>
#include <kiod/ModuleContext.h>

#include <Poco/Logger.h>

#include <algorithm>
#include <stdexcept>

namespace kiod {

namespace {

class Context : public ModuleContext {
public:
    Context(ServiceRegistry& registry, Router& router, const std::string& name,
            const std::string& dataDir, const ModuleManager::ProgressSink& progress)
        : services_(registry, name),
          router_(router),
          dataDir_(dataDir),
          logger_(Poco::Logger::get("kiod." + name)),
          name_(name),
          progress_(progress) {}

    Services& services() override { return services_; }
    Router& router() override { return router_; }
    const std::string& dataDir() const override { return dataDir_; }
    Poco::Logger& logger() override { return logger_; }

    void reportProgress(const std::string& message) override {
        logger_.information(message);
        if (progress_) {
            progress_(name_ + ": " + message);
        }
    }

private:
    Services services_;
    Router& router_;
    const std::string& dataDir_;
    Poco::Logger& logger_;
    std::string name_;
    const ModuleManager::ProgressSink& progress_;
};

}  // namespace

struct ModuleManager::Entry {
    std::unique_ptr<Module> module;
    std::unique_ptr<Context> context;
    bool initialized = false;
    std::atomic<bool> running{false};
};

ModuleManager::ModuleManager(ModuleLoader& loader, ServiceRegistry& services, Router& router,
                             std::string dataDir, ProgressSink progress)
    : loader_(loader),
      services_(services),
      router_(router),
      dataDir_(std::move(dataDir)),
      progress_(std::move(progress)) {}

ModuleManager::~ModuleManager() {
    stop();
}

void ModuleManager::load(const std::vector<std::string>& names) {
    std::vector<std::unique_ptr<Module>> loaded;
    std::vector<ModuleDependencies> dependencies;
    for (const auto& name : names) {
        loaded.push_back(loader_.load(name));
        dependencies.push_back(
            {name, loaded.back()->dependencies(), loaded.back()->optionalDependencies()});
    }
    for (const auto& name : dependencyOrder(dependencies)) {
        auto it = std::find_if(loaded.begin(), loaded.end(), [&](const auto& module) {
            return module && module->name() == name;
        });
        auto entry = std::make_unique<Entry>();
        entry->module = std::move(*it);
        modules_.push_back(std::move(entry));
    }
}

void ModuleManager::configure(const Poco::Util::AbstractConfiguration& config,
                              EffectiveConfiguration& effective,
                              const std::vector<std::string>& listeners) {
    for (auto& entry : modules_) {
        ConfigSection section(config, entry->module->name(), effective, listeners);
        entry->module->configure(section);
        section.checkNoUnknownKeys();
    }
}

void ModuleManager::initializeAndStart() {
    auto& log = Poco::Logger::get("kiod");
    std::string phase = "initialize";
    std::string current;
    try {
        for (auto& entry : modules_) {
            current = entry->module->name();
            entry->context =
                std::make_unique<Context>(services_, router_, current, dataDir_, progress_);
            entry->module->initialize(*entry->context);
            entry->initialized = true;
        }
        phase = "start";
        for (auto& entry : modules_) {
            current = entry->module->name();
            entry->module->start();
            entry->running = true;
            log.information("module %s started", current);
        }
    } catch (const std::exception& e) {
        stop();
        std::string message = "module " + current + ": " + phase + " failed: " + e.what();
        if (dynamic_cast<const ConfigError*>(&e)) {
            throw ConfigError(message);
        }
        throw StartupError(message);
    }
}

void ModuleManager::stop() {
    for (auto it = modules_.rbegin(); it != modules_.rend(); ++it) {
        auto& entry = **it;
        if (!entry.initialized) {
            continue;
        }
        const auto name = entry.module->name();
        entry.running = false;
        entry.initialized = false;
        try {
            entry.module->stop();
        } catch (const std::exception& e) {
            Poco::Logger::get("kiod").error("module %s: stop failed: %s", name,
                                            std::string(e.what()));
        }
        services_.withdraw(name);
        Poco::Logger::get("kiod").information("module %s stopped", name);
    }
}

std::vector<std::string> ModuleManager::names() const {
    std::vector<std::string> names;
    for (const auto& entry : modules_) {
        names.push_back(entry->module->name());
    }
    return names;
}

HealthCheck ModuleManager::health(const std::string& name) const {
    for (const auto& entry : modules_) {
        if (entry->module->name() == name) {
            if (!entry->running) {
                return HealthCheck::failing("module " + name + " is not running");
            }
            return entry->module->health();
        }
    }
    return HealthCheck::failing("no module " + name);
}

std::vector<ModuleState> ModuleManager::modules() const {
    std::vector<ModuleState> states;
    for (const auto& entry : modules_) {
        bool running = entry->running;
        states.push_back({entry->module->name(), running,
                          running ? entry->module->health() : HealthCheck::failing("not running")});
    }
    return states;
}

}  // namespace kiod
