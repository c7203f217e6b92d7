#pragma once

#include <Poco/Util/ServerApplication.h>

#include <string>
#include <utility>
#include <vector>

namespace kiod {

// The kiod executable: reads the configuration, loads the enabled modules,
// opens the listeners, serves until SIGTERM or SIGINT, then drains and stops.
// Always in the foreground (the systemd and container way).
//
// Exit codes: 0 after a clean stop or --check-config, 64 for a bad command
// line, 78 for a bad configuration, 69 when start-up fails otherwise (a
// module that does not load, an address that cannot be bound).
class Application : public Poco::Util::ServerApplication {
public:
    Application();

protected:
    void defineOptions(Poco::Util::OptionSet& options) override;
    int main(const std::vector<std::string>& args) override;

private:
    void handleHelp(const std::string& name, const std::string& value);
    void handleVersion(const std::string& name, const std::string& value);
    void handleConfig(const std::string& name, const std::string& value);
    void handleSet(const std::string& name, const std::string& value);
    void handleCheckConfig(const std::string& name, const std::string& value);

    int serve();
    static void warnAboutUnreadSections(const Poco::Util::AbstractConfiguration& config,
                                        const std::vector<std::string>& modules);

    std::string configFile_ = "/etc/kiod/kiod.ini";
    std::vector<std::pair<std::string, std::string>> overrides_;
    bool checkOnly_ = false;
    bool exitEarly_ = false;
};

}  // namespace kiod
