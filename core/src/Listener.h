#pragma once

#include "CoreConfig.h"
#include "EventLoop.h"
#include "ReloadingTlsContext.h"
#include "ServerExchange.h"
#include "WorkerPool.h"

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/ServerSocket.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace kiod {

class AccessControl;
class HttpRouter;

// One configured listener: a bound socket (TLS when configured), event
// loops that own its connections, and a worker pool for handlers that may
// block. Counts requests in flight so that a stop can let them finish; a
// detached response stream is in flight until its body ends, so that a stop
// waits for the loops to send the streams' terminating chunks.
//
// Why not Poco's HTTPServer: it gives every connection a thread, so each
// request on a busy listener costs a switch to that connection's thread,
// and idle keep-alive connections and watch streams each hold a thread.
// Event loops serve many connections per thread; see docs/BENCHMARKS.md.
class Listener : public ConnectionHandler {
public:
    // Binds the address and loads (or generates) the certificate now, so that
    // start-up fails before any module starts serving. Throws StartupError
    // naming the listener and the address.
    // `router` serves until setRouter() hands over another one; `access`
    // authenticates and authorizes every request before it.
    Listener(const ListenerConfig& config, std::shared_ptr<const AccessControl> access,
             const HttpRouter& router, const std::string& dataDir);
    ~Listener() override;

    Listener(const Listener&) = delete;
    Listener& operator=(const Listener&) = delete;

    const std::string& name() const { return config_.name; }
    // `https://127.0.0.1:8443`, with the port actually bound (for port 0).
    std::string url() const;

    void start();

    // Serves later requests from `router` (frozen); requests already routed
    // finish on the one that routed them. kiod starts its listeners with a
    // router of health endpoints only, so that /livez answers while modules
    // initialize (a catalog migration can take an hour), then switches.
    void setRouter(const HttpRouter& router) { router_.store(&router, std::memory_order_release); }

    // Stopping is in two steps so that every listener stops accepting before
    // any waits: first stop taking connections (requests on open ones get
    // `Connection: close`, idle ones are closed)...
    void stopAccepting();
    // ...then let requests in flight finish until `deadline`, close every
    // connection and wait for the handlers to return.
    void drain(std::chrono::steady_clock::time_point deadline);

    // ConnectionHandler
    std::unique_ptr<Connection> accept(int fd, const Poco::Net::SocketAddress& client) override;
    bool serve(EventLoop& loop, Connection& connection) override;
    void reject(Connection& connection, int status, const std::string& reason) override;
    std::chrono::milliseconds keepAliveTimeout() const override { return config_.keepAliveTimeout; }
    std::chrono::milliseconds requestTimeout() const override { return config_.idleTimeout; }
    std::chrono::milliseconds readTimeout() const override { return config_.readTimeout; }
    void streamReleased(Connection& connection) override;
    void answer(Connection& connection) override;
    void deferralDropped(Connection& connection) override;

private:
    // Runs the routed request in `connection` and leaves the response in its
    // output, or sent as far as `sending` says.
    void exchange(Connection& connection, const HttpRouter& router, struct RoutedRequest& routed,
                  Sending sending);
    // Consumes the request from the connection's input; no longer in flight.
    void finishRequest(Connection& connection);
    // Consumes the request from the connection's input, leaving it in flight
    // (a detached stream).
    void consumeRequest(Connection& connection);
    void leaveFlight();
    void stopWorking();
    // Answers 429 from the loop, which then closes the connection (released
    // from the loop, as for a worker).
    void refuse(EventLoop& loop, Connection& connection, const std::string& why);

    ListenerConfig config_;
    std::shared_ptr<const AccessControl> access_;
    std::atomic<const HttpRouter*> router_;
    std::unique_ptr<ReloadingTlsContext> tls_;
    Poco::Net::ServerSocket socket_;
    Poco::Net::HTTPServerParams::Ptr params_;
    std::unique_ptr<WorkerPool> workers_;
    std::unique_ptr<WorkerPool> computing_;  // Execution::kCompute
    std::vector<std::unique_ptr<EventLoop>> loops_;
    std::atomic<bool> draining_{false};
    bool started_ = false;
    bool drained_ = false;

    std::mutex inflightMutex_;
    std::condition_variable inflightDone_;
    int inflight_ = 0;
    // Requests for workers, queued or running, counted against
    // max_requests; a detached stream no longer counts once its handler
    // has returned.
    int working_ = 0;
};

}  // namespace kiod
