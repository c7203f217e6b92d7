#include "DependencyOrder.h"

#include <kiod/Errors.h>

#include <algorithm>
#include <map>

namespace kiod {

namespace {

class Sorter {
public:
    explicit Sorter(const std::vector<ModuleDependencies>& modules) {
        for (const auto& module : modules) {
            byName_[module.name] = &module;
        }
    }

    void visit(const std::string& name) {
        if (std::find(order_.begin(), order_.end(), name) != order_.end()) {
            return;
        }
        auto onPath = std::find(path_.begin(), path_.end(), name);
        if (onPath != path_.end()) {
            std::string cycle;
            for (auto it = onPath; it != path_.end(); ++it) {
                cycle += *it + " -> ";
            }
            throw StartupError("module dependency cycle: " + cycle + name);
        }
        const auto& module = *byName_.at(name);
        path_.push_back(name);
        for (const auto& dependency : module.required) {
            if (!byName_.contains(dependency)) {
                throw StartupError("module " + name + " requires module " + dependency +
                                   ", which is not enabled in [kiod] modules");
            }
            visit(dependency);
        }
        for (const auto& dependency : module.optional) {
            if (byName_.contains(dependency)) {
                visit(dependency);
            }
        }
        path_.pop_back();
        order_.push_back(name);
    }

    std::vector<std::string> take() { return std::move(order_); }

private:
    std::map<std::string, const ModuleDependencies*> byName_;
    std::vector<std::string> path_;
    std::vector<std::string> order_;
};

}  // namespace

std::vector<std::string> dependencyOrder(const std::vector<ModuleDependencies>& modules) {
    Sorter sorter(modules);
    for (const auto& module : modules) {
        sorter.visit(module.name);
    }
    return sorter.take();
}

}  // namespace kiod
