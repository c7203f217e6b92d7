#include "Listener.h"

#include "HttpRouter.h"
#include "SelfSignedCertificate.h"

#include <kiod/Errors.h>
#include <kiod/Version.h>

#include <Poco/Logger.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Path.h>

namespace kiod {

namespace {

// TLS 1.2 at least, forward-secret AEAD suites only: what Kubernetes
// components negotiate by default.
constexpr const char* kCipherList =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

Poco::Net::Context::Ptr makeTlsContext(const ListenerConfig& config, const std::string& dataDir) {
    Poco::Net::Context::Params params;
    if (config.tls.autoGenerate) {
        auto generated = SelfSignedCertificate::ensure(
            Poco::Path(Poco::Path(dataDir).makeDirectory(), "tls").toString(), config.name,
            config.address.host().toString());
        params.certificateFile = generated.certFile;
        params.privateKeyFile = generated.keyFile;
    } else {
        params.certificateFile = config.tls.certFile;
        params.privateKeyFile = config.tls.keyFile;
    }
    if (config.tls.clientCaFile.empty()) {
        params.verificationMode = Poco::Net::Context::VERIFY_NONE;
    } else {
        // Relaxed: a client certificate is verified when presented, not
        // required, so that token clients can use the same listener.
        params.caLocation = config.tls.clientCaFile;
        params.verificationMode = Poco::Net::Context::VERIFY_RELAXED;
    }
    params.loadDefaultCAs = false;
    params.cipherList = kCipherList;
    params.ecdhCurve = "prime256v1";
    Poco::Net::Context::Ptr context =
        new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, params);
    context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
    context->preferServerCiphers();
    return context;
}

}  // namespace

// Poco asks the factory for a handler per request; ours counts the request
// in flight around the router's dispatch.
class Listener::HandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
public:
    HandlerFactory(Listener& listener, const HttpRouter& router)
        : listener_(listener), router_(router) {}

    Poco::Net::HTTPRequestHandler* createRequestHandler(
        const Poco::Net::HTTPServerRequest&) override {
        return new Handler(listener_, router_);
    }

private:
    class Handler : public Poco::Net::HTTPRequestHandler {
    public:
        Handler(Listener& listener, const HttpRouter& router)
            : listener_(listener), router_(router) {}

        void handleRequest(Poco::Net::HTTPServerRequest& request,
                           Poco::Net::HTTPServerResponse& response) override {
            listener_.requestStarted();
            if (listener_.draining_.load(std::memory_order_relaxed)) {
                response.setKeepAlive(false);
            }
            router_.dispatch(listener_.config_.name, request, response);
            listener_.requestFinished();
        }

    private:
        Listener& listener_;
        const HttpRouter& router_;
    };

    Listener& listener_;
    const HttpRouter& router_;
};

Listener::Listener(const ListenerConfig& config, const HttpRouter& router,
                   const std::string& dataDir)
    : config_(config), pool_("listener." + config.name, 2, config.threads, 60) {
    std::string where = "listener " + config_.name + " (" + config_.address.toString() + ")";
    try {
        if (config_.tls.enabled()) {
            socket_ =
                std::make_unique<Poco::Net::SecureServerSocket>(makeTlsContext(config_, dataDir));
        } else {
            socket_ = std::make_unique<Poco::Net::ServerSocket>();
        }
        // No SO_REUSEPORT: a second process on the same port must fail to
        // bind, not silently share the traffic.
        socket_->bind(config_.address, true, false);
        socket_->listen(std::max(64, config_.maxQueued));
    } catch (const Poco::Exception& e) {
        throw StartupError(where + ": cannot listen: " + e.displayText());
    } catch (const std::exception& e) {
        throw StartupError(where + ": cannot listen: " + e.what());
    }

    Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(config_.threads);
    params->setMaxQueued(config_.maxQueued);
    params->setTimeout(Poco::Timespan(config_.idleTimeout.count() * 1000));
    params->setKeepAlive(true);
    params->setKeepAliveTimeout(Poco::Timespan(config_.keepAliveTimeout.count() * 1000));
    params->setMaxKeepAliveRequests(0);
    params->setSoftwareVersion(std::string("kiod/") + kVersion);
    server_ = std::make_unique<Poco::Net::HTTPServer>(new HandlerFactory(*this, router), pool_,
                                                      *socket_, params);
}

Listener::~Listener() {
    drain(std::chrono::steady_clock::now());
}

std::string Listener::url() const {
    return std::string(config_.tls.enabled() ? "https://" : "http://") +
           socket_->address().toString();
}

void Listener::start() {
    server_->start();
    accepting_ = true;
    Poco::Logger::get("kiod").information("listener %s serving on %s", config_.name, url());
}

void Listener::requestStarted() {
    std::lock_guard lock(inflightMutex_);
    ++inflight_;
}

void Listener::requestFinished() {
    std::lock_guard lock(inflightMutex_);
    if (--inflight_ == 0) {
        inflightDone_.notify_all();
    }
}

void Listener::stopAccepting() {
    if (!accepting_) {
        return;
    }
    accepting_ = false;
    draining_ = true;
    server_->stop();
    socket_->close();  // refuse new connections instead of leaving them in the backlog
}

void Listener::drain(std::chrono::steady_clock::time_point deadline) {
    stopAccepting();
    if (drained_) {
        return;
    }
    drained_ = true;
    std::unique_lock lock(inflightMutex_);
    if (!inflightDone_.wait_until(lock, deadline, [&] { return inflight_ == 0; })) {
        Poco::Logger::get("kiod").warning(
            "listener %s: %d requests still running after the grace period; closing their "
            "connections",
            config_.name, inflight_);
    }
    lock.unlock();
    // Closes idle keep-alive connections and those of requests that
    // outlived the grace period; their handlers see the socket fail.
    server_->stopAll(true);
    pool_.joinAll();
}

}  // namespace kiod
