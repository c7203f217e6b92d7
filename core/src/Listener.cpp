#include "Listener.h"

#include "HttpRouter.h"
#include "KeyFilePermissions.h"
#include "SelfSignedCertificate.h"
#include "ServerExchange.h"

#include <kiod/Errors.h>
#include <kiod/StatusResponse.h>
#include <kiod/Version.h>

#include <Poco/Logger.h>
#include <Poco/Net/Context.h>
#include <Poco/Path.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <map>
#include <stdexcept>

namespace kiod {

namespace {

// TLS 1.2 at least, forward-secret AEAD suites only: what Kubernetes
// components negotiate by default.
constexpr const char* kCipherList =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

// `config` with the files of its TLS context: tls.cert and tls.key, or
// those tls.auto generated (or reuses).
ListenerConfig withTlsFiles(const ListenerConfig& config, const std::string& dataDir) {
    ListenerConfig resolved = config;
    if (config.tls.autoGenerate) {
        auto generated = SelfSignedCertificate::ensure(
            Poco::Path(Poco::Path(dataDir).makeDirectory(), "tls").toString(), config.name,
            config.address.host().toString());
        resolved.tls.certFile = generated.certFile;
        resolved.tls.keyFile = generated.keyFile;
    }
    return resolved;
}

// The one place a listener's TLS context is made: at start, and again for
// each reload (ReloadingTlsContext), from withTlsFiles()'s config.
Poco::Net::Context::Ptr makeTlsContext(const ListenerConfig& config) {
    if (auto exposure = keyFileExposure(config.tls.keyFile); !exposure.empty()) {
        throw std::runtime_error(exposure);
    }
    Poco::Net::Context::Params params;
    params.certificateFile = config.tls.certFile;
    params.privateKeyFile = config.tls.keyFile;
    auto trusted = config.trustedClientCas();
    if (trusted.empty()) {
        params.verificationMode = Poco::Net::Context::VERIFY_NONE;
    } else {
        // Relaxed: a client certificate is verified when presented, not
        // required, so that token clients can use the same listener.
        params.caLocation = trusted.front();
        params.verificationMode = Poco::Net::Context::VERIFY_RELAXED;
    }
    params.loadDefaultCAs = false;
    params.cipherList = kCipherList;
    // TLS 1.3 key shares and TLS 1.2 ECDHE: X25519 first, as clients offer
    // it (no extra round trip to ask for another), then the NIST curves.
    params.ecdhCurve = "X25519:P-256:P-384";
    Poco::Net::Context::Ptr context =
        new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, params);
    // Poco loads the two files one after the other and OpenSSL may accept
    // a key that is not the certificate's (a rotation half done).
    if (SSL_CTX_check_private_key(context->sslContext()) != 1) {
        ERR_clear_error();
        throw std::runtime_error("the private key in '" + config.tls.keyFile +
                                 "' does not belong to the certificate in '" + config.tls.certFile +
                                 "'");
    }
    // TLS accepts a certificate from any of the trusted CAs; each
    // authenticator then believes only its own CA's (CertificateAuthority),
    // so that a front-proxy certificate does not log in as its CN, nor a
    // user's certificate speak for others through X-Remote-User.
    for (auto file = trusted.begin() + (trusted.empty() ? 0 : 1); file != trusted.end(); ++file) {
        if (SSL_CTX_load_verify_file(context->sslContext(), file->c_str()) != 1) {
            ERR_clear_error();
            throw std::runtime_error("cannot load the CA certificates of '" + *file + "'");
        }
    }
    context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
    context->preferServerCiphers();
    // A TLS 1.2 client could otherwise make the server redo handshakes on
    // one connection, each costing it a signature.
    SSL_CTX_set_options(context->sslContext(), SSL_OP_NO_RENEGOTIATION);
    return context;
}

}  // namespace

Listener::Listener(const ListenerConfig& config, std::shared_ptr<const AccessControl> access,
                   const HttpRouter& router, const std::string& dataDir)
    : config_(config), access_(std::move(access)), router_(&router) {
    std::string where = "listener " + config_.name + " (" + config_.address.toString() + ")";
    try {
        if (config_.tls.enabled()) {
            auto resolved = withTlsFiles(config_, dataDir);
            std::vector<std::string> files = {resolved.tls.certFile, resolved.tls.keyFile};
            auto trusted = resolved.trustedClientCas();
            files.insert(files.end(), trusted.begin(), trusted.end());
            tls_ = std::make_unique<ReloadingTlsContext>(
                config_.name, files, [resolved] { return makeTlsContext(resolved); });
        }
        // No SO_REUSEPORT: a second process on the same port must fail to
        // bind, not silently share the traffic.
        socket_.bind(config_.address, true, false);
        socket_.listen(std::max(64, config_.maxQueued));
        socket_.setBlocking(false);  // the event loops accept until EAGAIN
    } catch (const Poco::Exception& e) {
        throw StartupError(where + ": cannot listen: " + e.displayText());
    } catch (const std::exception& e) {
        throw StartupError(where + ": cannot listen: " + e.what());
    }
    params_ = new Poco::Net::HTTPServerParams;
    params_->setMaxThreads(config_.threads);
    params_->setMaxQueued(config_.maxQueued);
    params_->setTimeout(Poco::Timespan(config_.idleTimeout.count() * 1000));
    params_->setKeepAliveTimeout(Poco::Timespan(config_.keepAliveTimeout.count() * 1000));
    params_->setSoftwareVersion(std::string("kiod/") + kVersion);
    workers_ =
        std::make_unique<WorkerPool>(config_.name + "-work", config_.threads, config_.maxQueued);
    computing_ = std::make_unique<WorkerPool>(config_.name + "-cpu", config_.computeThreads,
                                              config_.maxQueued);
    for (int i = 0; i < config_.ioThreads; ++i) {
        loops_.push_back(std::make_unique<EventLoop>(*this, socket_.impl()->sockfd(),
                                                     config_.name + "-io" + std::to_string(i)));
    }
}

Listener::~Listener() {
    drain(std::chrono::steady_clock::now());
}

std::string Listener::url() const {
    return std::string(tls_ ? "https://" : "http://") + socket_.address().toString();
}

void Listener::start() {
    for (auto& loop : loops_) {
        loop->start();
    }
    started_ = true;
    Poco::Logger::get("kiod").information("listener %s serving on %s", config_.name, url());
}

std::unique_ptr<Connection> Listener::accept(int fd, const Poco::Net::SocketAddress& client) {
    auto transport = tls_ ? Transport::tls(fd, tls_->current()) : Transport::plain(fd);
    return std::make_unique<Connection>(fd, std::move(transport), client, socket_.address(),
                                        config_.limits);
}

bool Listener::serve(EventLoop& loop, Connection& connection) {
    const auto& parsed = connection.parser.request();
    const auto& router = *router_.load(std::memory_order_acquire);
    auto routed = router.route(config_.name, parsed.method, parsed.target);
    // A TokenReview or SubjectAccessReview may wait on kube-apiserver: only
    // on a worker.
    auto execution = access_->mayBlock() ? Execution::kWorker : routed.match.execution;
    if (execution == Execution::kEventLoop) {
        // Not counted against max_requests: they run at once, one per loop,
        // and health probes must pass however busy the workers are.
        {
            // Counted from here, not from when a worker picks it up, so that
            // a drain also waits for requests still queued.
            std::lock_guard lock(inflightMutex_);
            ++inflight_;
        }
        exchange(connection, router, routed, Sending::kAfterwards);
        return false;
    }
    bool admitted;
    {
        std::lock_guard lock(inflightMutex_);
        admitted = working_ < config_.maxRequests;
        if (admitted) {
            ++working_;
            ++inflight_;
        }
    }
    loop.release(connection);
    if (!admitted) {
        refuse(loop, connection,
               "listener " + config_.name + " has as many requests in progress as it may (" +
                   std::to_string(config_.maxRequests) + "); retry");
        return true;
    }
    bool computing = execution == Execution::kCompute;
    auto& pool = computing ? *computing_ : *workers_;
    bool queued = pool.submit(
        [this, &loop, &connection, &router, computing, routed = std::move(routed)]() mutable {
            exchange(connection, router, routed,
                     computing ? Sending::kWithoutWaiting : Sending::kWaiting);
            stopWorking();
            if (computing) {
                // What the socket takes now; the loop sends the rest as the
                // client reads, and this thread moves on to the next request.
                connection.flush();
            } else if (!connection.stream) {
                connection.flushAll(std::chrono::seconds(30));
            }
            // A detached stream's head and body are the loop's to send: the
            // worker is free now, whatever the client's pace.
            loop.giveBack(&connection);
        });
    if (!queued) {
        stopWorking();
        leaveFlight();
        refuse(loop, connection,
               "listener " + config_.name + " is serving as many requests as it may; retry");
    }
    return true;
}

void Listener::refuse(EventLoop& loop, Connection& connection, const std::string& why) {
    // Answered here, on the loop, which takes the connection back (and
    // closes it) once it has sent this.
    const auto& parsed = connection.parser.request();
    ServerResponse response(connection, Sending::kAfterwards, parsed.method == "HEAD");
    response.setKeepAlive(false);
    sendStatus(response, Status::overloaded(why));
    response.finish();
    connection.closeAfterOutput = true;
    consumeRequest(connection);
    loop.giveBack(&connection);
}

void Listener::stopWorking() {
    std::lock_guard lock(inflightMutex_);
    --working_;
}

void Listener::exchange(Connection& connection, const HttpRouter& router, RoutedRequest& routed,
                        Sending sending) {
    auto& parsed = connection.parser.request();
    {
        ServerResponse response(connection, sending, parsed.method == "HEAD");
        ServerRequest request(parsed, connection, response, *params_);
        response.setVersion(request.getVersion());
        bool keepAlive = request.wantsKeepAlive() && !draining_.load(std::memory_order_relaxed);
        response.setKeepAlive(keepAlive);
        auto peer = connection.transport->peerCertificate();
        router.serve(config_.name, routed, request, response, *access_, peer ? &*peer : nullptr);
        if (!response.deferred()) {
            connection.closeAfterOutput = !response.finish();
        }
    }
    if (connection.stream || connection.deferral) {
        consumeRequest(connection);  // in flight until streamReleased or answer
    } else {
        finishRequest(connection);
    }
}

void Listener::finishRequest(Connection& connection) {
    consumeRequest(connection);
    leaveFlight();
}

void Listener::consumeRequest(Connection& connection) {
    connection.input.erase(0, connection.parser.consumed());
    connection.parser.reset();
    connection.continueSent = false;
    connection.requestBegan = {};
}

void Listener::streamReleased(Connection&) {
    leaveFlight();
}

void Listener::answer(Connection& connection) {
    auto deferral = std::move(connection.deferral);
    const auto& request = deferral->request();
    int status;
    {
        ServerResponse response(connection, Sending::kAfterwards, request.head);
        response.setVersion(request.version);
        response.setKeepAlive(request.keepAlive && !draining_.load(std::memory_order_relaxed));
        try {
            deferral->take()(response);
        } catch (const std::exception& e) {
            Poco::Logger::get("kiod.http")
                .error("listener %s: a deferred answer failed: %s", config_.name,
                       std::string(e.what()));
            if (!response.sent()) {
                sendStatus(response, 500, "InternalError",
                           "an error on the server prevented the request");
            }
        }
        connection.closeAfterOutput = !response.finish();
        status = static_cast<int>(response.getStatus());
    }
    deferral->release(status);
    leaveFlight();
}

void Listener::deferralDropped(Connection&) {
    leaveFlight();
}

void Listener::leaveFlight() {
    std::lock_guard lock(inflightMutex_);
    if (--inflight_ == 0) {
        inflightDone_.notify_all();
    }
}

void Listener::reject(Connection& connection, int status, const std::string& reason) {
    static const std::map<int, std::string_view> kReasons = {
        {400, "BadRequest"},        {413, "RequestEntityTooLarge"},
        {414, "RequestURITooLong"}, {431, "RequestHeaderFieldsTooLarge"},
        {501, "NotImplemented"},    {505, "HTTPVersionNotSupported"}};
    ServerResponse response(connection, Sending::kAfterwards, false);
    response.setVersion(Poco::Net::HTTPMessage::HTTP_1_1);
    response.setKeepAlive(false);
    auto known = kReasons.find(status);
    sendStatus(response, status, known == kReasons.end() ? "BadRequest" : known->second, reason);
    response.finish();
}

void Listener::stopAccepting() {
    draining_ = true;
    for (auto& loop : loops_) {
        loop->stopAccepting();
        loop->drain();
    }
}

void Listener::drain(std::chrono::steady_clock::time_point deadline) {
    if (drained_) {
        return;
    }
    drained_ = true;
    stopAccepting();
    if (started_) {
        std::unique_lock lock(inflightMutex_);
        if (!inflightDone_.wait_until(lock, deadline, [&] { return inflight_ == 0; })) {
            Poco::Logger::get("kiod").warning(
                "listener %s: %d requests still running after the grace period; closing their "
                "connections",
                config_.name, inflight_);
        }
    }
    // The loops shut every socket down, so handlers still writing fail and
    // return; the workers finish, then the loops free the connections.
    for (auto& loop : loops_) {
        loop->stop();
    }
    workers_->shutdown();
    computing_->shutdown();
    loops_.clear();
    socket_.close();
}

}  // namespace kiod
