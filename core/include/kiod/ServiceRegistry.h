#pragma once

#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <vector>

namespace kiod {

// Services that modules offer each other, keyed by the name the interface
// declares (`static constexpr const char* kServiceName`), not by typeid: type
// identity across separately loaded libraries is fragile. Thread-safe.
//
// A consumer that finds a service holds a shared_ptr, so the object outlives
// its withdrawal for as long as the consumer keeps it; consumers that look
// services up per request (the 503-when-absent rule) see the withdrawal at
// their next look-up.
class ServiceRegistry {
public:
    // Throws std::logic_error if the name is already published.
    void publish(const std::string& owner, const std::string& name, std::shared_ptr<void> service);

    // nullptr when absent.
    std::shared_ptr<void> find(const std::string& name) const;

    // Removes every service `owner` published.
    void withdraw(const std::string& owner);

    std::vector<std::string> names() const;

private:
    struct Entry {
        std::string owner;
        std::shared_ptr<void> service;
    };

    mutable std::shared_mutex mutex_;
    std::map<std::string, Entry, std::less<>> services_;
};

// A module's handle on the registry: what it publishes is withdrawn when it
// stops.
class Services {
public:
    Services(ServiceRegistry& registry, std::string owner)
        : registry_(registry), owner_(std::move(owner)) {}

    template <class Interface>
    void publish(std::shared_ptr<Interface> service) {
        registry_.publish(owner_, Interface::kServiceName, std::move(service));
    }

    // nullptr when no enabled module offers the service (now).
    template <class Interface>
    std::shared_ptr<Interface> find() const {
        return std::static_pointer_cast<Interface>(registry_.find(Interface::kServiceName));
    }

    // Throws StartupError naming the service when it is absent; for hard
    // dependencies, during initialize.
    template <class Interface>
    std::shared_ptr<Interface> require() const {
        auto service = find<Interface>();
        if (!service) {
            throwMissing(Interface::kServiceName);
        }
        return service;
    }

private:
    [[noreturn]] void throwMissing(const std::string& name) const;

    ServiceRegistry& registry_;
    std::string owner_;
};

}  // namespace kiod
