// bench/api: watch fan-out. Opens N watch streams over HTTPS, waits until
// every one is established, makes one write, and reports how long each
// watcher took to see it: the time until the last one did, and p50/p99
// across watchers. One thread, non-blocking sockets, epoll and OpenSSL, so
// that the load generator holds thousands of TLS streams on one core.
//
//   api_watch_fanout kiod|etcd HOST:PORT OBJECT_FILE [options]
//     --watchers N     streams to open (default 1000)
//     --rounds R       writes, each timed separately (default 5)
//     --namespace NS   kiod: the namespace watched and written (default app-1)
//     --timeout S      per round, and for opening the streams (default 60)
//
// OBJECT_FILE is the JSON written, with @NAME@ where the object's name goes.
//   kiod: GET /apis/actions.kio.kasten.io/v1alpha1/namespaces/NS/backupactions
//         ?watch=true&resourceVersion=RV, RV from a first create; each round
//         POSTs a new BackupAction; a watcher has seen it when its name is in
//         the stream.
//   etcd: POST /v3/watch of the prefix /kiod/fanout/ on the JSON gateway
//         (established once {"created":true} arrives); each round puts one
//         key under it; seen when the key (base64) is in the stream.
//
// Prints one line per round and a summary line "fanout ..." for scripts.
// Exit 0; 2 bad usage; 3 the server refused (a message says what it said).
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <memory>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <optional>
#include <sstream>
#include <string>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

using Clock = std::chrono::steady_clock;

namespace {

[[noreturn]] void die(int code, const std::string& message) {
    std::fprintf(stderr, "api_watch_fanout: %s\n", message.c_str());
    std::exit(code);
}

double ms(Clock::duration d) {
    return std::chrono::duration<double, std::milli>(d).count();
}

std::string base64(const std::string& in) {
    std::string out(4 * ((in.size() + 2) / 3), '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(in.data()),
                            static_cast<int>(in.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

std::string replaceAll(std::string s, const std::string& from, const std::string& to) {
    for (std::size_t at = 0; (at = s.find(from, at)) != std::string::npos; at += to.size()) {
        s.replace(at, from.size(), to);
    }
    return s;
}

// The body of an HTTP/1.1 response, chunked or not, as bytes arrive.
class BodyDecoder {
public:
    void setChunked(bool chunked) { chunked_ = chunked; }
    // Appends the decoded bytes of `data` to `out`; false once the last
    // chunk has arrived.
    bool feed(const char* data, std::size_t size, std::string& out) {
        if (!chunked_) {
            out.append(data, size);
            return true;
        }
        for (std::size_t i = 0; i < size;) {
            switch (state_) {
                case State::kSize: {
                    char c = data[i++];
                    if (c != '\n') {
                        line_ += c;
                        break;
                    }
                    remaining_ = std::strtoul(line_.c_str(), nullptr, 16);  // stops at ';' or '\r'
                    line_.clear();
                    if (remaining_ == 0) {
                        return false;
                    }
                    state_ = State::kData;
                    break;
                }
                case State::kData: {
                    std::size_t take = std::min(remaining_, size - i);
                    out.append(data + i, take);
                    i += take;
                    remaining_ -= take;
                    if (remaining_ == 0) {
                        state_ = State::kDataEnd;
                    }
                    break;
                }
                case State::kDataEnd:
                    if (data[i++] == '\n') {
                        state_ = State::kSize;
                    }
                    break;
            }
        }
        return true;
    }

private:
    enum class State { kSize, kData, kDataEnd };
    bool chunked_ = false;
    State state_ = State::kSize;
    std::string line_;
    std::size_t remaining_ = 0;
};

struct Response {
    int status = 0;
    std::string head;
    std::string body;
};

// Splits off the header block once it is complete; the status code, or
// nullopt while headers are still arriving.
std::optional<int> parseHead(std::string& raw, std::string& head, BodyDecoder& decoder) {
    auto end = raw.find("\r\n\r\n");
    if (end == std::string::npos) {
        return std::nullopt;
    }
    head = raw.substr(0, end + 2);
    raw.erase(0, end + 4);
    std::string lower = head;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    decoder.setChunked(lower.find("transfer-encoding: chunked") != std::string::npos);
    int status = 0;
    std::sscanf(head.c_str(), "HTTP/%*s %d", &status);
    return status;
}

struct Target {
    std::string host;
    int port = 0;
    sockaddr_in addr{};
};

int connectTcp(const Target& target, bool nonBlocking) {
    int fd = ::socket(AF_INET, SOCK_STREAM | (nonBlocking ? SOCK_NONBLOCK : 0), 0);
    if (fd < 0) {
        die(1, std::string("socket: ") + std::strerror(errno));
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&target.addr), sizeof target.addr) < 0 &&
        errno != EINPROGRESS) {
        die(3, "connect to " + target.host + ":" + std::to_string(target.port) + ": " +
                   std::strerror(errno));
    }
    return fd;
}

std::string sslError() {
    char buffer[256];
    unsigned long e = ERR_get_error();
    if (e == 0) {
        return std::strerror(errno);
    }
    ERR_error_string_n(e, buffer, sizeof buffer);
    return buffer;
}

// A blocking HTTPS connection, for the writes.
class Client {
public:
    Client(SSL_CTX* ctx, const Target& target) {
        fd_ = connectTcp(target, false);
        ssl_ = SSL_new(ctx);
        SSL_set_fd(ssl_, fd_);
        if (SSL_connect(ssl_) != 1) {
            die(3, "TLS handshake with " + target.host + ":" + std::to_string(target.port) + ": " +
                       sslError());
        }
    }
    ~Client() {
        SSL_free(ssl_);
        ::close(fd_);
    }
    void send(const std::string& request) {
        if (SSL_write(ssl_, request.data(), static_cast<int>(request.size())) <= 0) {
            die(3, "write: " + sslError());
        }
    }
    // Reads the response to a request sent with "Connection: close".
    Response receive() {
        std::string raw;
        char buffer[16384];
        for (int n; (n = SSL_read(ssl_, buffer, sizeof buffer)) > 0;) {
            raw.append(buffer, static_cast<std::size_t>(n));
        }
        Response response;
        BodyDecoder decoder;
        auto status = parseHead(raw, response.head, decoder);
        if (!status) {
            die(3, "no HTTP response; got: " + raw.substr(0, 200));
        }
        response.status = *status;
        decoder.feed(raw.data(), raw.size(), response.body);
        return response;
    }

private:
    int fd_ = -1;
    SSL* ssl_ = nullptr;
};

std::string request(const std::string& method, const std::string& path, const Target& target,
                    const std::string& body, bool close) {
    std::string r = method + " " + path + " HTTP/1.1\r\nHost: " + target.host + ":" +
                    std::to_string(target.port) +
                    "\r\nAccept: application/json\r\nUser-Agent: api_watch_fanout\r\n";
    if (!body.empty() || method == "POST") {
        r += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
             "\r\n";
    }
    if (close) {
        r += "Connection: close\r\n";
    }
    return r + "\r\n" + body;
}

// One watch stream.
struct Watcher {
    enum class State { kIdle, kConnecting, kHandshake, kSending, kHead, kStreaming, kClosed };
    int fd = -1;
    SSL* ssl = nullptr;
    State state = State::kIdle;
    std::string out;
    std::size_t sent = 0;
    std::string raw;  // bytes before the headers are complete
    std::string head;
    std::string body;  // decoded stream since the last reset
    BodyDecoder decoder;
    bool ready = false;
    int status = 0;
    double seenMs = -1;
};

struct Options {
    std::string kind;
    Target target;
    std::string objectTemplate;
    int watchers = 1000;
    int rounds = 5;
    std::string ns = "app-1";
    int timeoutSeconds = 60;
};

class Fanout {
public:
    Fanout(Options options, SSL_CTX* ctx)
        : o_(std::move(options)), ctx_(ctx), watchers_(static_cast<std::size_t>(o_.watchers)) {
        epoll_ = epoll_create1(0);
        runId_ =
            "fanout-" + std::to_string(::getpid()) + "-" +
            std::to_string(std::chrono::system_clock::now().time_since_epoch().count() % 1000000);
    }

    int run() {
        std::string watchRequest;
        std::string readyMarker;
        if (o_.kind == "kiod") {
            // A first create gives the resourceVersion to watch from, so
            // that the streams replay nothing.
            auto created = write(runId_ + "-start");
            if (created.status != 201 && created.status != 200) {
                refused("POST " + kiodCollection(), created);
            }
            auto at = created.body.find("\"resourceVersion\"");
            std::string rv;
            if (at != std::string::npos) {
                at = created.body.find('"', created.body.find(':', at));
                rv = created.body.substr(at + 1, created.body.find('"', at + 1) - at - 1);
            }
            if (rv.empty()) {
                die(3, "no metadata.resourceVersion in the created object: " +
                           created.body.substr(0, 300));
            }
            watchRequest = request("GET", kiodCollection() + "?watch=true&resourceVersion=" + rv,
                                   o_.target, "", false);
        } else {
            watchRequest =
                request("POST", "/v3/watch", o_.target,
                        R"({"create_request":{"key":")" + base64(kEtcdPrefix) +
                            R"(","range_end":")" + base64(prefixEnd(kEtcdPrefix)) + R"("}})",
                        false);
            readyMarker = "\"created\":true";
        }

        // Open every stream, at most 64 handshakes at a time so that the
        // server's accept queue never overflows.
        auto opening = Clock::now();
        std::size_t next = 0;
        std::size_t readyCount = 0;
        int inFlight = 0;
        while (readyCount < watchers_.size()) {
            while (next < watchers_.size() && inFlight < 64) {
                open(watchers_[next++], watchRequest);
                ++inFlight;
            }
            if (ms(Clock::now() - opening) > o_.timeoutSeconds * 1000.0) {
                die(3, "only " + std::to_string(readyCount) + " of " +
                           std::to_string(watchers_.size()) + " watches established after " +
                           std::to_string(o_.timeoutSeconds) + " s");
            }
            poll(100, [&](Watcher& w) {
                if (!w.ready && w.state == Watcher::State::kStreaming &&
                    (readyMarker.empty() || w.body.find(readyMarker) != std::string::npos)) {
                    w.ready = true;
                    w.body.clear();
                    ++readyCount;
                    --inFlight;
                }
            });
        }
        double openSeconds = ms(Clock::now() - opening) / 1000.0;
        std::printf("%zu %s watches established in %.2f s\n", watchers_.size(), o_.kind.c_str(),
                    openSeconds);

        std::vector<double> lasts, p50s, p99s;
        for (int round = 1; round <= o_.rounds; ++round) {
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
            poll(0, [](Watcher&) {});  // drain anything that arrived between rounds
            for (auto& w : watchers_) {
                w.body.clear();
                w.seenMs = -1;
            }
            std::string name = runId_ + "-r" + std::to_string(round);
            std::string marker = o_.kind == "kiod" ? name + "\"" : base64(kEtcdPrefix + name);

            Client writer(ctx_, o_.target);  // connected before the clock starts
            auto started = Clock::now();
            writer.send(writeRequest(name));
            std::size_t seen = 0;
            while (seen < watchers_.size()) {
                if (ms(Clock::now() - started) > o_.timeoutSeconds * 1000.0) {
                    die(3, "round " + std::to_string(round) + ": " + std::to_string(seen) + " of " +
                               std::to_string(watchers_.size()) + " watchers saw the write after " +
                               std::to_string(o_.timeoutSeconds) + " s");
                }
                poll(100, [&](Watcher& w) {
                    if (w.seenMs < 0 && w.body.find(marker) != std::string::npos) {
                        w.seenMs = ms(Clock::now() - started);
                        ++seen;
                    }
                    if (w.body.size() > 4 * marker.size() + 65536) {
                        w.body.erase(
                            0, w.body.size() - marker.size());  // keep what may hold a split marker
                    }
                });
            }
            auto answer = writer.receive();
            if (answer.status / 100 != 2) {
                refused("the write", answer);
            }
            std::vector<double> times;
            for (auto& w : watchers_) {
                times.push_back(w.seenMs);
            }
            std::sort(times.begin(), times.end());
            double p50 = times[(times.size() - 1) / 2];
            double p99 = times[(times.size() - 1) * 99 / 100];
            lasts.push_back(times.back());
            p50s.push_back(p50);
            p99s.push_back(p99);
            std::printf(
                "round %d: all %zu watchers saw the write after %.2f ms (p50 %.2f ms, p99 %.2f "
                "ms)\n",
                round, times.size(), times.back(), p50, p99);
        }
        auto median = [](std::vector<double> v) {
            std::sort(v.begin(), v.end());
            return v[v.size() / 2];
        };
        std::printf(
            "fanout target=%s watchers=%zu rounds=%d open_s=%.2f last_ms=%.2f p50_ms=%.2f "
            "p99_ms=%.2f\n",
            o_.kind.c_str(), watchers_.size(), o_.rounds, openSeconds, median(lasts), median(p50s),
            median(p99s));
        return 0;
    }

private:
    static constexpr const char* kEtcdPrefix = "/kiod/fanout/";

    static std::string prefixEnd(std::string prefix) {
        prefix.back() = static_cast<char>(prefix.back() + 1);
        return prefix;
    }

    std::string kiodCollection() const {
        return "/apis/actions.kio.kasten.io/v1alpha1/namespaces/" + o_.ns + "/backupactions";
    }

    std::string writeRequest(const std::string& name) const {
        auto object =
            replaceAll(replaceAll(o_.objectTemplate, "@NAME@", name), "@NAMESPACE@", o_.ns);
        if (o_.kind == "kiod") {
            return request("POST", kiodCollection(), o_.target, object, true);
        }
        return request("POST", "/v3/kv/put", o_.target,
                       R"({"key":")" + base64(kEtcdPrefix + name) + R"(","value":")" +
                           base64(object) + R"("})",
                       true);
    }

    Response write(const std::string& name) {
        Client client(ctx_, o_.target);
        client.send(writeRequest(name));
        return client.receive();
    }

    [[noreturn]] void refused(const std::string& what, const Response& r) {
        std::string hint;
        if (o_.kind == "kiod" && r.status == 404) {
            hint =
                " (the aggregated API is not served: is the aggregatedapi module built and in "
                "kiod.modules?)";
        }
        die(3, o_.kind + " answered " + std::to_string(r.status) + " to " + what + hint + ": " +
                   r.body.substr(0, 300));
    }

    void open(Watcher& w, const std::string& watchRequest) {
        w.fd = connectTcp(o_.target, true);
        w.ssl = SSL_new(ctx_);
        SSL_set_fd(w.ssl, w.fd);
        SSL_set_connect_state(w.ssl);
        w.out = watchRequest;
        w.state = Watcher::State::kConnecting;
        epoll_event ev{};
        ev.events = EPOLLOUT;
        ev.data.ptr = &w;
        epoll_ctl(epoll_, EPOLL_CTL_ADD, w.fd, &ev);
    }

    void want(Watcher& w, uint32_t events) {
        epoll_event ev{};
        ev.events = events;
        ev.data.ptr = &w;
        epoll_ctl(epoll_, EPOLL_CTL_MOD, w.fd, &ev);
    }

    [[noreturn]] void fail(Watcher& w, const std::string& why) {
        std::string detail = w.head.empty() ? ""
                                            : ": " + w.head.substr(0, w.head.find('\r')) + " " +
                                                  w.body.substr(0, 300);
        if (w.status == 404 && o_.kind == "kiod") {
            detail += " (the aggregated API is not served)";
        }
        die(3, "a watch stream " + why + detail);
    }

    // Advances one watcher as far as its socket allows; returns true when
    // stream data arrived.
    bool step(Watcher& w) {
        for (;;) {
            switch (w.state) {
                case Watcher::State::kConnecting: {
                    int error = 0;
                    socklen_t len = sizeof error;
                    getsockopt(w.fd, SOL_SOCKET, SO_ERROR, &error, &len);
                    if (error != 0) {
                        fail(w, std::string("could not connect: ") + std::strerror(error));
                    }
                    w.state = Watcher::State::kHandshake;
                    break;
                }
                case Watcher::State::kHandshake: {
                    int rc = SSL_do_handshake(w.ssl);
                    if (rc == 1) {
                        w.state = Watcher::State::kSending;
                        break;
                    }
                    int e = SSL_get_error(w.ssl, rc);
                    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
                        want(w, e == SSL_ERROR_WANT_READ ? EPOLLIN : EPOLLOUT);
                        return false;
                    }
                    fail(w, "TLS handshake failed: " + sslError());
                }
                case Watcher::State::kSending: {
                    int n = SSL_write(w.ssl, w.out.data() + w.sent,
                                      static_cast<int>(w.out.size() - w.sent));
                    if (n <= 0) {
                        int e = SSL_get_error(w.ssl, n);
                        if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
                            want(w, e == SSL_ERROR_WANT_READ ? EPOLLIN : EPOLLOUT);
                            return false;
                        }
                        fail(w, "could not send its request: " + sslError());
                    }
                    w.sent += static_cast<std::size_t>(n);
                    if (w.sent == w.out.size()) {
                        w.state = Watcher::State::kHead;
                        want(w, EPOLLIN);
                    }
                    break;
                }
                case Watcher::State::kHead:
                case Watcher::State::kStreaming: {
                    bool got = false;
                    char buffer[16384];
                    for (;;) {
                        int n = SSL_read(w.ssl, buffer, sizeof buffer);
                        if (n <= 0) {
                            int e = SSL_get_error(w.ssl, n);
                            if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
                                return got;
                            }
                            fail(w, "was closed by the server");
                        }
                        if (w.state == Watcher::State::kHead) {
                            w.raw.append(buffer, static_cast<std::size_t>(n));
                            auto status = parseHead(w.raw, w.head, w.decoder);
                            if (!status) {
                                continue;
                            }
                            w.status = *status;
                            if (w.status != 200) {
                                w.decoder.feed(w.raw.data(), w.raw.size(), w.body);
                                fail(w, "was refused");
                            }
                            w.state = Watcher::State::kStreaming;
                            if (!w.decoder.feed(w.raw.data(), w.raw.size(), w.body)) {
                                fail(w, "ended");
                            }
                            w.raw.clear();
                        } else if (!w.decoder.feed(buffer, static_cast<std::size_t>(n), w.body)) {
                            fail(w, "ended");
                        }
                        got = true;
                    }
                }
                default:
                    return false;
            }
        }
    }

    template <class OnData>
    void poll(int timeoutMs, OnData onData) {
        epoll_event events[256];
        int n = epoll_wait(epoll_, events, 256, timeoutMs);
        for (int i = 0; i < n; ++i) {
            auto& w = *static_cast<Watcher*>(events[i].data.ptr);
            step(w);
            if (w.state == Watcher::State::kStreaming) {
                onData(w);
            }
        }
    }

    Options o_;
    SSL_CTX* ctx_;
    std::vector<Watcher> watchers_;
    int epoll_ = -1;
    std::string runId_;
};

}  // namespace

int main(int argc, char** argv) {
    if (argc < 4) {
        die(2,
            "usage: api_watch_fanout kiod|etcd HOST:PORT OBJECT_FILE [--watchers N] [--rounds R] "
            "[--namespace NS] [--timeout S]");
    }
    Options o;
    o.kind = argv[1];
    if (o.kind != "kiod" && o.kind != "etcd") {
        die(2, "the target is kiod or etcd, not '" + o.kind + "'");
    }
    std::string hostPort = argv[2];
    auto colon = hostPort.rfind(':');
    if (colon == std::string::npos) {
        die(2, "'" + hostPort + "' is not HOST:PORT");
    }
    o.target.host = hostPort.substr(0, colon);
    o.target.port = std::atoi(hostPort.c_str() + colon + 1);
    o.target.addr.sin_family = AF_INET;
    o.target.addr.sin_port = htons(static_cast<uint16_t>(o.target.port));
    if (inet_pton(AF_INET, o.target.host.c_str(), &o.target.addr.sin_addr) != 1) {
        die(2, "'" + o.target.host + "' is not an IPv4 address");
    }
    std::ifstream file(argv[3]);
    if (!file) {
        die(2, std::string("cannot read ") + argv[3]);
    }
    std::stringstream content;
    content << file.rdbuf();
    o.objectTemplate = content.str();
    while (!o.objectTemplate.empty() &&
           (o.objectTemplate.back() == '\n' || o.objectTemplate.back() == '\r')) {
        o.objectTemplate.pop_back();
    }
    for (int i = 4; i + 1 < argc; i += 2) {
        std::string flag = argv[i];
        std::string value = argv[i + 1];
        if (flag == "--watchers") {
            o.watchers = std::atoi(value.c_str());
        } else if (flag == "--rounds") {
            o.rounds = std::atoi(value.c_str());
        } else if (flag == "--namespace") {
            o.ns = value;
        } else if (flag == "--timeout") {
            o.timeoutSeconds = std::atoi(value.c_str());
        } else {
            die(2, "unknown option " + flag);
        }
    }
    if ((argc - 4) % 2 != 0 || o.watchers < 1 || o.rounds < 1 || o.timeoutSeconds < 1) {
        die(2, "options take one value each; --watchers, --rounds and --timeout at least 1");
    }

    // A descriptor per stream.
    rlimit limit{};
    getrlimit(RLIMIT_NOFILE, &limit);
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
    if (static_cast<long>(limit.rlim_cur) < o.watchers + 64) {
        die(2, "RLIMIT_NOFILE " + std::to_string(limit.rlim_cur) + " is too low for " +
                   std::to_string(o.watchers) + " watchers");
    }

    std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx(SSL_CTX_new(TLS_client_method()),
                                                          SSL_CTX_free);
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE,
                       nullptr);  // the servers' certificates are the bench's own
    return Fanout(std::move(o), ctx.get()).run();
}
