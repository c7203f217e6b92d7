#pragma once

#include <kiod/Module.h>

#include <Poco/ClassLoader.h>

#include <memory>
#include <string>
#include <vector>

namespace kiod {

// Finds libkiod_NAME.so in the module path and creates the one kiod::Module
// its Poco manifest exports. Libraries stay loaded for the loader's lifetime:
// unloading while any object or function from them is referenced crashes,
// so the loader must outlive every module and everything they registered.
class ModuleLoader {
public:
    explicit ModuleLoader(std::vector<std::string> searchPath);

    // Throws StartupError naming the module and the reason: not found (with
    // the directories searched), not loadable (the loader's message), no
    // manifest, not exactly one class, or a name that does not match.
    std::unique_ptr<Module> load(const std::string& name);

private:
    std::string locate(const std::string& name) const;

    std::vector<std::string> searchPath_;
    Poco::ClassLoader<Module> loader_;
};

}  // namespace kiod
