#pragma once

#include <kiod/Router.h>
#include <kiod/ServiceRegistry.h>

#include <string>

namespace Poco {
class Logger;
}

namespace kiod {

// What core gives a module during initialize. The references stay valid
// until the module has stopped.
class ModuleContext {
public:
    virtual ~ModuleContext() = default;

    // Publishes under this module's name; withdrawn when it stops.
    virtual Services& services() = 0;
    virtual Router& router() = 0;
    // `[kiod] data_dir`; a module keeps its files in a subdirectory named
    // after itself and creates it.
    virtual const std::string& dataDir() const = 0;
    // The logger `kiod.NAME`, configured by [log].
    virtual Poco::Logger& logger() = 0;

    // For long operations (a migration, a backup, a rewrap): logs `message`
    // and shows it as the service's systemd STATUS (`systemctl status
    // kiod`), prefixed with the module's name. Thread-safe.
    virtual void reportProgress(const std::string& message) = 0;
};

}  // namespace kiod
