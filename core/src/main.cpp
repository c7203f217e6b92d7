#include "Application.h"

#include <Poco/AutoPtr.h>
#include <Poco/Util/OptionException.h>

#include <iostream>

int main(int argc, char** argv) {
    Poco::AutoPtr<kiod::Application> app = new kiod::Application;
    try {
        app->init(argc, argv);
    } catch (const Poco::Exception& e) {
        std::cerr << "kiod: " << e.displayText() << "; see kiod --help\n";
        return Poco::Util::Application::EXIT_USAGE;
    }
    // Application::run() is public where ServerApplication hides it; kiod
    // does not daemonize, so ServerApplication::run(argc, argv) has nothing to add.
    return static_cast<Poco::Util::Application&>(*app).run();
}
