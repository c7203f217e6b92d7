// A module for the end-to-end tests only: GET /slow?ms=N answers "started",
// then after N milliseconds of work "finished", so that a test can signal
// kiod while a request is in flight and see it complete. GET /bulk?mib=N
// answers N MiB built on the compute threads, like a page of a list.
// GET /later?ms=N defers its answer from the event loop and gives it,
// "later", from another thread after N milliseconds (as the catalog
// answers a create); with &drop=1 that thread lets go of it unanswered.
#include <kiod/ConfigSection.h>
#include <kiod/Module.h>
#include <kiod/ModuleContext.h>

#include <Poco/ClassLibrary.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <chrono>
#include <thread>

namespace {

class SlowRouteModule : public kiod::Module {
public:
    std::string name() const override { return "slowroute"; }

    void configure(kiod::ConfigSection& section) override {
        listener_ = section.getListener("listener", "api");
    }

    void initialize(kiod::ModuleContext& context) override {
        context.router().mount(listener_, "GET", "/slow",
                               [](kiod::RouteRequest& request, auto& response) {
                                   auto ms = std::stoi(request.query("ms").value_or("0"));
                                   response.setChunkedTransferEncoding(true);
                                   response.setContentType("text/plain");
                                   auto& out = response.send();
                                   out << "started\n" << std::flush;
                                   std::this_thread::sleep_for(std::chrono::milliseconds(ms));
                                   out << "finished\n" << std::flush;
                               });
        context.router().mount(
            listener_, "GET", "/bulk",
            [](kiod::RouteRequest& request, auto& response) {
                const std::string line(1023, 'x');
                auto lines = std::stoi(request.query("mib").value_or("0")) * 1024;
                response.setContentType("text/plain");
                response.setContentLength(static_cast<std::streamsize>(lines) * 1024);
                auto& out = response.send();
                for (int i = 0; i < lines; ++i) {
                    out << line << '\n';
                }
            },
            kiod::Execution::kCompute);
        context.router().mount(
            listener_, "GET", "/later",
            [](kiod::RouteRequest& request, auto& response) {
                auto ms = std::stoi(request.query("ms").value_or("0"));
                bool drop = request.query("drop").value_or("") == "1";
                auto deferred = request.defer(response);
                std::thread([deferred, ms, drop] {
                    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
                    if (drop) {
                        return;
                    }
                    deferred->complete([](Poco::Net::HTTPServerResponse& answer) {
                        answer.setContentType("text/plain");
                        answer.sendBuffer("later\n", 6);
                    });
                }).detach();
            },
            kiod::Execution::kEventLoop);
    }

private:
    std::string listener_;
};

}  // namespace

POCO_BEGIN_MANIFEST(kiod::Module)
POCO_EXPORT_CLASS(SlowRouteModule)
POCO_END_MANIFEST
