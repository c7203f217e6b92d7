#pragma once

#include "CoreConfig.h"

#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/ThreadPool.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>

namespace kiod {

class HttpRouter;

// One configured listener: a bound socket (TLS when configured), its own
// thread pool, and a Poco HTTPServer that hands every request to the router.
// Counts requests in flight so that stop() can let them finish.
class Listener {
public:
    // Binds the address and loads (or generates) the certificate now, so that
    // start-up fails before any module starts serving. Throws StartupError
    // naming the listener and the address.
    Listener(const ListenerConfig& config, const HttpRouter& router, const std::string& dataDir);
    ~Listener();

    Listener(const Listener&) = delete;
    Listener& operator=(const Listener&) = delete;

    const std::string& name() const { return config_.name; }
    // `https://127.0.0.1:8443`, with the port actually bound (for port 0).
    std::string url() const;

    void start();

    // Stopping is in two steps so that every listener stops accepting before
    // any waits: first close the listening socket (new connections are
    // refused, requests on open connections get `Connection: close`)...
    void stopAccepting();
    // ...then let requests in flight finish until `deadline`, close every
    // connection and wait for the handlers to return.
    void drain(std::chrono::steady_clock::time_point deadline);

private:
    class HandlerFactory;
    friend class HandlerFactory;

    void requestStarted();
    void requestFinished();

    ListenerConfig config_;
    std::unique_ptr<Poco::Net::ServerSocket> socket_;
    Poco::ThreadPool pool_;
    std::unique_ptr<Poco::Net::HTTPServer> server_;
    std::atomic<bool> draining_{false};
    bool accepting_ = false;
    bool drained_ = false;

    std::mutex inflightMutex_;
    std::condition_variable inflightDone_;
    int inflight_ = 0;
};

}  // namespace kiod
