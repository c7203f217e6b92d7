// A module for the end-to-end tests only: GET /probe looks the metrics
// registry up at request time and answers 503 ServiceUnavailable when no
// module offers it, which is how a module depends softly on another (the
// aggregated API on the catalog). With `[probe] initialize_after = FIFO`,
// initialize blocks until the test writes to that named pipe and closes it:
// a module as slow to initialize as a catalog migrating.
#include <kiod/ConfigSection.h>
#include <kiod/Module.h>
#include <kiod/ModuleContext.h>
#include <kiod/StatusResponse.h>
#include <kiod/metrics/MetricsRegistry.h>

#include <Poco/ClassLibrary.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <fstream>
#include <iterator>
#include <string>

namespace {

class ProbeModule : public kiod::Module {
public:
    std::string name() const override { return "probe"; }

    void configure(kiod::ConfigSection& section) override {
        initializeAfter_ = section.getString("initialize_after", "");
    }

    void initialize(kiod::ModuleContext& context) override {
        if (!initializeAfter_.empty()) {
            // Opening a FIFO for reading waits for its writer; reading to
            // the end waits for the writer to close it.
            std::ifstream gate(initializeAfter_);
            std::string ignored((std::istreambuf_iterator<char>(gate)),
                                std::istreambuf_iterator<char>());
        }
        auto& services = context.services();
        context.router().mount(
            "api", "GET", "/probe", [&services](kiod::RouteRequest&, auto& response) {
                if (!services.find<kiod::metrics::MetricsRegistry>()) {
                    kiod::sendStatus(response,
                                     kiod::Status::unavailable(
                                         "the server is currently unable to handle the request"));
                    return;
                }
                response.sendBuffer("present", 7);
            });
    }

private:
    std::string initializeAfter_;
};

}  // namespace

POCO_BEGIN_MANIFEST(kiod::Module)
POCO_EXPORT_CLASS(ProbeModule)
POCO_END_MANIFEST
