#include <kiod/Errors.h>
#include <kiod/ServiceRegistry.h>

#include <mutex>
#include <stdexcept>

namespace kiod {

void ServiceRegistry::publish(const std::string& owner, const std::string& name,
                              std::shared_ptr<void> service) {
    std::unique_lock lock(mutex_);
    auto [it, inserted] = services_.try_emplace(name, Entry{owner, std::move(service)});
    if (!inserted) {
        throw std::logic_error("service " + name + " is published by " + it->second.owner +
                               " already; " + owner + " cannot publish it again");
    }
}

std::shared_ptr<void> ServiceRegistry::find(const std::string& name) const {
    std::shared_lock lock(mutex_);
    auto it = services_.find(name);
    return it == services_.end() ? nullptr : it->second.service;
}

void ServiceRegistry::withdraw(const std::string& owner) {
    // Release the services outside the lock: their destructors may call back
    // into the registry.
    std::vector<std::shared_ptr<void>> released;
    {
        std::unique_lock lock(mutex_);
        for (auto it = services_.begin(); it != services_.end();) {
            if (it->second.owner == owner) {
                released.push_back(std::move(it->second.service));
                it = services_.erase(it);
            } else {
                ++it;
            }
        }
    }
}

std::vector<std::string> ServiceRegistry::names() const {
    std::shared_lock lock(mutex_);
    std::vector<std::string> names;
    for (const auto& [name, entry] : services_) {
        names.push_back(name);
    }
    return names;
}

void Services::throwMissing(const std::string& name) const {
    throw StartupError(owner_ + ": requires the service " + name +
                       ", which no enabled module offers");
}

}  // namespace kiod
