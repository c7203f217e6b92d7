#include "ModuleLoader.h"

#include <kiod/Errors.h>

#include <Poco/File.h>
#include <Poco/Path.h>

namespace kiod {

ModuleLoader::ModuleLoader(std::vector<std::string> searchPath)
    : searchPath_(std::move(searchPath)) {}

std::string ModuleLoader::locate(const std::string& name) const {
    std::string fileName = "libkiod_" + name + ".so";
    std::string searched;
    for (const auto& dir : searchPath_) {
        Poco::Path candidate(Poco::Path(dir).makeDirectory(), fileName);
        if (Poco::File(candidate).exists()) {
            return candidate.toString();
        }
        searched += (searched.empty() ? "" : ", ") + dir;
    }
    throw StartupError("module " + name + ": " + fileName + " not found in module_path (" +
                       (searched.empty() ? "empty" : searched) + ")");
}

std::unique_ptr<Module> ModuleLoader::load(const std::string& name) {
    auto path = locate(name);
    try {
        loader_.loadLibrary(path);
    } catch (const Poco::Exception& e) {
        // Poco says "No manifest in PATH" for a library without one.
        throw StartupError("module " + name + ": cannot load " + path + ": " + e.displayText());
    }
    const auto* manifest = loader_.findManifest(path);
    if (!manifest || manifest->size() != 1) {
        throw StartupError("module " + name + ": " + path +
                           " must export exactly one kiod::Module in its manifest, it exports " +
                           std::to_string(manifest ? manifest->size() : 0));
    }
    std::unique_ptr<Module> module(manifest->begin()->create());
    if (module->name() != name) {
        throw StartupError("module " + name + ": " + path + " holds the module " + module->name());
    }
    return module;
}

}  // namespace kiod
