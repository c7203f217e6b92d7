#include "Application.h"

#include "AuditLog.h"
#include "CoreConfig.h"
#include "HealthEndpoints.h"
#include "HttpRouter.h"
#include "Listener.h"
#include "Logging.h"
#include "ModuleManager.h"
#include "SystemdNotifier.h"
#include "auth/AccessControl.h"
#include "auth/FileWatcher.h"

#include <kiod/ConfigSection.h>
#include <kiod/Errors.h>
#include <kiod/ServiceRegistry.h>
#include <kiod/Version.h>

#include <Poco/File.h>
#include <Poco/Logger.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Path.h>
#include <Poco/String.h>
#include <Poco/Util/HelpFormatter.h>
#include <Poco/Util/IniFileConfiguration.h>
#include <Poco/Util/LayeredConfiguration.h>
#include <Poco/Util/MapConfiguration.h>
#include <Poco/Util/OptionSet.h>

#include <algorithm>
#include <csignal>
#include <iostream>
#include <unistd.h>

namespace kiod {

namespace {

using Poco::Util::Option;
using Poco::Util::OptionCallback;

sigset_t terminationSignals() {
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    return signals;
}

}  // namespace

Application::Application() {
    // Every thread kiod starts inherits this mask, so SIGTERM and SIGINT
    // reach only the sigwait in serve() and never kill a worker thread's
    // default handler first.
    sigset_t signals = terminationSignals();
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    std::signal(SIGPIPE, SIG_IGN);
    setUnixOptions(true);
}

void Application::defineOptions(Poco::Util::OptionSet& options) {
    // Not ServerApplication::defineOptions: kiod does not daemonize itself.
    options.addOption(Option("help", "h", "print this help and exit")
                          .callback(OptionCallback<Application>(this, &Application::handleHelp)));
    options.addOption(
        Option("version", "", "print the version and exit")
            .callback(OptionCallback<Application>(this, &Application::handleVersion)));
    options.addOption(Option("config", "c", "the configuration file (INI); default " + configFile_)
                          .argument("FILE")
                          .callback(OptionCallback<Application>(this, &Application::handleConfig)));
    options.addOption(
        Option("set", "s", "override a configuration key, e.g. listener.api.threads=64")
            .argument("SECTION.KEY=VALUE")
            .repeatable(true)
            .callback(OptionCallback<Application>(this, &Application::handleSet)));
    options.addOption(
        Option("check-config", "", "validate the configuration, print it as in force, and exit")
            .callback(OptionCallback<Application>(this, &Application::handleCheckConfig)));
}

void Application::handleHelp(const std::string&, const std::string&) {
    Poco::Util::HelpFormatter help(options());
    help.setCommand("kiod");
    help.setUsage("[--config FILE] [--set SECTION.KEY=VALUE]... [--check-config]");
    help.setHeader(
        "kiod: the API tier of a Kubernetes backup platform. Serves the catalog of actions and "
        "restore points as Kubernetes API groups, holds the encryption keys, and exports "
        "Prometheus metrics. Runs in the foreground until SIGTERM or SIGINT.");
    help.setUnixStyle(true);
    help.format(std::cout);
    exitEarly_ = true;
    stopOptionsProcessing();
}

void Application::handleVersion(const std::string&, const std::string&) {
    std::cout << "kiod " << kVersion << " (revision " << kRevision << ")\n";
    exitEarly_ = true;
    stopOptionsProcessing();
}

void Application::handleConfig(const std::string&, const std::string& value) {
    configFile_ = value;
}

void Application::handleSet(const std::string&, const std::string& value) {
    auto eq = value.find('=');
    auto key = value.substr(0, eq);
    if (eq == std::string::npos || key.find('.') == std::string::npos || key.front() == '.') {
        throw Poco::InvalidArgumentException("--set " + value + ": expected SECTION.KEY=VALUE");
    }
    // Lower case, as every key kiod reads: the file's keys match in any case
    // (Poco's INI reader), and so must these.
    overrides_.emplace_back(Poco::toLower(key), value.substr(eq + 1));
}

void Application::handleCheckConfig(const std::string&, const std::string&) {
    checkOnly_ = true;
}

int Application::main(const std::vector<std::string>& args) {
    if (exitEarly_) {
        return EXIT_OK;
    }
    if (!args.empty()) {
        std::cerr << "kiod: unexpected argument '" << args.front() << "'; see kiod --help\n";
        return EXIT_USAGE;
    }
    try {
        return serve();
    } catch (const ConfigError& e) {
        std::cerr << "kiod: configuration error: " << e.what() << '\n';
        return EXIT_CONFIG;
    } catch (const StartupError& e) {
        std::cerr << "kiod: cannot start: " << e.what() << '\n';
        return EXIT_UNAVAILABLE;
    } catch (const Poco::Exception& e) {
        std::cerr << "kiod: cannot start: " << e.displayText() << '\n';
        return EXIT_SOFTWARE;
    } catch (const std::exception& e) {
        std::cerr << "kiod: cannot start: " << e.what() << '\n';
        return EXIT_SOFTWARE;
    }
}

// A section that neither core nor an enabled module reads is most likely a
// typo ([listner.api]) or a module left out of [kiod] modules. Not an error,
// so that a module can be switched off without deleting its section.
void Application::warnAboutUnreadSections(const Poco::Util::AbstractConfiguration& config,
                                          const std::vector<std::string>& modules) {
    Poco::Util::AbstractConfiguration::Keys sections;
    config.keys(sections);
    for (const auto& section : sections) {
        auto name = Poco::toLower(section);
        if (name != "kiod" && name != "log" && name != "audit" && name != "listener" &&
            std::find(modules.begin(), modules.end(), name) == modules.end()) {
            Poco::Logger::get("kiod").warning(
                "configuration section [%s] is not read: no enabled module is named %s", section,
                section);
        }
    }
}

int Application::serve() {
    Poco::AutoPtr<Poco::Util::LayeredConfiguration> config = new Poco::Util::LayeredConfiguration;
    try {
        config->add(new Poco::Util::IniFileConfiguration(configFile_), 0);
    } catch (const Poco::Exception& e) {
        throw ConfigError("--config " + configFile_ + ": cannot read: " + e.displayText());
    }
    Poco::AutoPtr<Poco::Util::MapConfiguration> overrides = new Poco::Util::MapConfiguration;
    for (const auto& [key, value] : overrides_) {
        overrides->setString(key, value);
    }
    config->add(overrides, -100);

    EffectiveConfiguration effective;
    std::string defaultModulePath =
        Poco::Path(Poco::Path(this->config().getString("application.dir")).parent())
            .pushDirectory("lib")
            .pushDirectory("kiod")
            .toString();
    auto core = CoreConfig::read(*config, effective, defaultModulePath);
    configureLogging(core.log);
    auto& log = Poco::Logger::get("kiod");
    // Reads the token and rules files now, so that --check-config checks them.
    FileWatcher watcher;
    std::vector<std::shared_ptr<const AccessControl>> access;
    for (const auto& listenerConfig : core.listeners) {
        access.push_back(std::make_shared<AccessControl>(listenerConfig, watcher));
    }

    // Declared first, destroyed last: the router's handlers and the
    // registry's services may be code from the modules' libraries.
    ModuleLoader loader(core.modulePath);
    ServiceRegistry services;
    HttpRouter router(core.listenerNames());
    SystemdNotifier notifier;
    ModuleManager modules(
        loader, services, router, core.dataDir,
        [&notifier](const std::string& message) { notifier.notify("STATUS=" + message); });
    modules.load(core.modules);
    modules.configure(*config, effective, core.listenerNames());
    warnAboutUnreadSections(*config, core.modules);
    if (checkOnly_) {
        std::cout << effective.toIni();
        return EXIT_OK;
    }

    log.information("kiod %s (revision %s) starting with modules: %s", std::string(kVersion),
                    std::string(kRevision),
                    core.modules.empty() ? std::string("none") : config->getString("kiod.modules"));
    try {
        Poco::File(core.dataDir).createDirectories();
    } catch (const Poco::Exception& e) {
        throw ConfigError("kiod.data_dir: cannot create '" + core.dataDir +
                          "': " + e.displayText());
    }

    // ModuleDirectory is core's own service; the registry must not own it.
    services.publish(
        "core", ModuleDirectory::kServiceName,
        std::shared_ptr<void>(std::shared_ptr<void>(), static_cast<ModuleDirectory*>(&modules)));

    HealthEndpoints health;
    health.addLiveness("ping", [] { return HealthCheck::passing(); });
    health.addReadiness("ping", [] { return HealthCheck::passing(); });
    for (const auto& name : modules.names()) {
        health.addReadiness(name, [&modules, name] { return modules.health(name); });
    }
    // Until the modules have initialized (a catalog migration may take an
    // hour), listeners serve health only, so that liveness probes pass,
    // readiness says which module is not running yet, and everything else
    // answers 503.
    HttpRouter starting(core.listenerNames(), HttpRouter::Unmatched::kStarting);
    for (const auto& name : core.listenerNames()) {
        health.mount(router, name);
        health.mount(starting, name);
    }
    starting.freeze();
    if (core.log.access) {
        router.addObserver(std::make_shared<AccessLog>());
    }
    if (!core.audit.path.empty()) {
        router.addObserver(std::make_shared<AuditLog>(core.audit));
    }

    Poco::Net::initializeSSL();
    std::vector<std::unique_ptr<Listener>> listeners;
    std::string addresses;
    for (std::size_t i = 0; i < core.listeners.size(); ++i) {
        listeners.push_back(
            std::make_unique<Listener>(core.listeners[i], access[i], starting, core.dataDir));
        listeners.back()->start();
        addresses += " " + listeners.back()->name() + "=" + listeners.back()->url();
        if (access[i]->open()) {
            log.warning(
                "listener %s is open: anyone who reaches %s may use everything on it "
                "(set auth.rules_file and a way to authenticate; docs/CONFIGURATION.md)",
                listeners.back()->name(), listeners.back()->url());
        }
    }
    watcher.start();
    notifier.notify("STATUS=starting" + addresses);

    modules.initializeAndStart();
    router.freeze();
    for (auto& listener : listeners) {
        listener->setRouter(router);
    }
    notifier.notify("READY=1\nSTATUS=listening" + addresses +
                    "\nMAINPID=" + std::to_string(getpid()));
    log.information("kiod ready");

    sigset_t signals = terminationSignals();
    int signal = 0;
    sigwait(&signals, &signal);

    log.information("received %s; stopping (grace period %dms)",
                    std::string(signal == SIGTERM ? "SIGTERM" : "SIGINT"),
                    static_cast<int>(core.shutdownGrace.count()));
    notifier.notify("STOPPING=1\nSTATUS=draining requests");
    auto deadline = std::chrono::steady_clock::now() + core.shutdownGrace;
    for (auto& listener : listeners) {
        listener->stopAccepting();
    }
    for (auto& listener : listeners) {
        listener->drain(deadline);
    }
    listeners.clear();
    watcher.stop();
    modules.stop();
    services.withdraw("core");
    Poco::Net::uninitializeSSL();
    log.information("kiod stopped");
    return EXIT_OK;
}

}  // namespace kiod
