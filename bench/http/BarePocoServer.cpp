// The reference point between nginx and kiod: Poco's HTTPServer answering
// "ok" with no router, no observers and no health checks. kiod's trivial
// route costs what kiod adds on top of this.
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/ThreadPool.h>

#include <csignal>
#include <iostream>
#include <string>

namespace {

class OkHandler : public Poco::Net::HTTPRequestHandler {
public:
    void handleRequest(Poco::Net::HTTPServerRequest&,
                       Poco::Net::HTTPServerResponse& response) override {
        response.setContentType("text/plain; charset=utf-8");
        response.sendBuffer("ok", 2);
    }
};

class OkFactory : public Poco::Net::HTTPRequestHandlerFactory {
public:
    Poco::Net::HTTPRequestHandler* createRequestHandler(
        const Poco::Net::HTTPServerRequest&) override {
        return new OkHandler;
    }
};

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: bare_poco_server PORT THREADS\n";
        return 64;
    }
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    int threads = std::stoi(argv[2]);
    Poco::ThreadPool pool(2, threads);
    Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(threads);
    params->setMaxQueued(1024);
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", std::stoi(argv[1])));
    Poco::Net::HTTPServer server(new OkFactory, pool, socket, params);
    server.start();
    std::cout << "ready" << std::endl;
    int signal = 0;
    sigwait(&signals, &signal);
    server.stopAll(true);
    return 0;
}
