#include "KubernetesClient.h"

#include <kiod/Errors.h>

#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/IPAddress.h>
#include <Poco/String.h>
#include <Poco/URI.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

namespace kiod {

namespace {

// Connections kept open beyond this many are closed after their request:
// enough for the bursts of one listener's workers, few for kube-apiserver.
constexpr std::size_t kMaxIdleSessions = 16;
// Reviews are a few hundred bytes; a larger answer is not a review.
constexpr std::size_t kMaxAnswerBytes = 1 << 20;
// What of a failed answer's body goes to kiod's log.
constexpr std::size_t kMaxLoggedBody = 300;

Result<std::string> parseToken(const std::string& text) {
    auto token = Poco::trim(text);
    if (token.empty()) {
        return Status::invalid("no token in the file");
    }
    return token;
}

std::string readAnswer(std::istream& in) {
    std::string answer;
    char buffer[8192];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
        answer.append(buffer, static_cast<std::size_t>(in.gcount()));
        if (answer.size() > kMaxAnswerBytes) {
            throw Poco::DataFormatException("an answer larger than 1 MiB");
        }
    }
    return answer;
}

}  // namespace

KubernetesClient::KubernetesClient(const std::string& keyPrefix, const KubernetesApiConfig& config,
                                   FileWatcher& watcher)
    : url_(config.url), timeout_(config.timeout) {
    Poco::URI uri(config.url);
    host_ = uri.getHost();
    port_ = uri.getPort();

    Poco::Net::Context::Params params;
    params.caLocation = config.caFile;
    params.loadDefaultCAs = config.caFile.empty();
    params.certificateFile = config.certFile;
    params.privateKeyFile = config.keyFile;
    params.verificationMode = Poco::Net::Context::VERIFY_RELAXED;  // the server must verify
    try {
        context_ = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
    } catch (const Poco::Exception& e) {
        throw ConfigError(keyPrefix + "auth.kubernetes: " + e.displayText());
    }
    context_->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
    // OpenSSL checks the certificate's name during the handshake, by RFC
    // 6125 and against IP SANs for an address (kube-apiserver's Service
    // IP); Poco's own check after it would look names up in DNS instead.
    context_->enableExtendedCertificateVerification(false);
    X509_VERIFY_PARAM* verify = SSL_CTX_get0_param(context_->sslContext());
    Poco::Net::IPAddress address;
    if (Poco::Net::IPAddress::tryParse(host_, address)) {
        X509_VERIFY_PARAM_set1_ip_asc(verify, host_.c_str());
    } else {
        X509_VERIFY_PARAM_set1_host(verify, host_.c_str(), 0);
    }

    if (!config.tokenFile.empty()) {
        token_.emplace(keyPrefix + "auth.kubernetes.token_file", config.tokenFile, parseToken);
        watcher.add([this] { token_->poll(); });
    }
}

Result<std::string> KubernetesClient::post(const std::string& path, const std::string& body) const {
    for (int attempt = 1;; ++attempt) {
        auto session = acquire();
        bool reused = session->connected();
        try {
            auto answer = exchange(*session, path, body);
            release(std::move(session));
            return answer;
        } catch (const Poco::Exception& e) {
            // A kept-alive connection that kube-apiserver closed meanwhile
            // (an idle timeout, a restart) fails the first request sent on
            // it, and so would the others kept with it. A review is safe to
            // ask twice.
            if (!reused || attempt > 1) {
                return Status::unavailable(url_ + path + ": " + e.displayText());
            }
            std::lock_guard lock(mutex_);
            idle_.clear();
        }
    }
}

KubernetesClient::Session KubernetesClient::acquire() const {
    {
        std::lock_guard lock(mutex_);
        if (!idle_.empty()) {
            auto session = std::move(idle_.back());
            idle_.pop_back();
            return session;
        }
    }
    auto session = std::make_unique<Poco::Net::HTTPSClientSession>(host_, port_, context_);
    session->setTimeout(Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(timeout_.count()) *
                                       Poco::Timespan::MILLISECONDS));
    session->setKeepAlive(true);
    return session;
}

void KubernetesClient::release(Session session) const {
    std::lock_guard lock(mutex_);
    if (idle_.size() < kMaxIdleSessions) {
        idle_.push_back(std::move(session));
    }
}

Result<std::string> KubernetesClient::exchange(Poco::Net::HTTPSClientSession& session,
                                               const std::string& path,
                                               const std::string& body) const {
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, path,
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    request.setContentType("application/json");
    request.set("Accept", "application/json");
    request.setContentLength(static_cast<std::streamsize>(body.size()));
    if (token_) {
        request.set("Authorization", "Bearer " + *token_->current());
    }
    session.sendRequest(request).write(body.data(), static_cast<std::streamsize>(body.size()));
    Poco::Net::HTTPResponse response;
    auto answer = readAnswer(session.receiveResponse(response));
    int status = response.getStatus();
    if (status < 200 || status > 299) {
        return Status::unavailable(url_ + path + ": kube-apiserver answered " +
                                   std::to_string(status) + " " + response.getReason() + ": " +
                                   answer.substr(0, kMaxLoggedBody));
    }
    return answer;
}

}  // namespace kiod
