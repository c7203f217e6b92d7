#include "EventLoop.h"

#include <Poco/Logger.h>

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdexcept>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

namespace kiod {

namespace {

constexpr std::size_t kReadChunk = 16 * 1024;
constexpr auto kSweepInterval = std::chrono::milliseconds(500);

void control(int epoll, int op, int fd, std::uint32_t events) {
    epoll_event event{};
    event.events = events;
    event.data.fd = fd;
    if (epoll_ctl(epoll, op, fd, &event) != 0 && op != EPOLL_CTL_DEL) {
        throw std::runtime_error(std::string("epoll_ctl: ") + std::strerror(errno));
    }
}

}  // namespace

EventLoop::EventLoop(ConnectionHandler& handler, int listenFd, std::string name)
    : handler_(handler), listenFd_(listenFd), name_(std::move(name)) {
    epoll_ = epoll_create1(EPOLL_CLOEXEC);
    wakeFd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (epoll_ < 0 || wakeFd_ < 0) {
        throw std::runtime_error(std::string("cannot create an event loop: ") +
                                 std::strerror(errno));
    }
    control(epoll_, EPOLL_CTL_ADD, wakeFd_, EPOLLIN);
    // Every loop of a listener waits on the same socket; EPOLLEXCLUSIVE
    // wakes one of them per connection instead of all.
    control(epoll_, EPOLL_CTL_ADD, listenFd_, EPOLLIN | EPOLLEXCLUSIVE);
}

EventLoop::~EventLoop() {
    stop();
    // Streams detached by handlers that returned after the loop stopped (the
    // grace period was over): the workers are done by now, so nobody can
    // detach another, and onEnd runs here, on the thread that stops kiod.
    for (auto& [fd, connection] : connections_) {
        if (connection->stream) {
            releaseStream(*connection, StreamEnd::kShutdown);
        }
        if (connection->deferral) {
            dropDeferral(*connection);
        }
    }
    connections_.clear();
    ::close(wakeFd_);
    ::close(epoll_);
}

void EventLoop::start() {
    thread_ = std::thread([this] { run(); });
    pthread_setname_np(thread_.native_handle(), name_.substr(0, 15).c_str());
}

void EventLoop::wake() {
    std::uint64_t one = 1;
    [[maybe_unused]] auto ignored = write(wakeFd_, &one, sizeof one);
}

void EventLoop::stopAccepting() {
    stopAccepting_ = true;
    wake();
}

void EventLoop::drain() {
    draining_ = true;
    wake();
}

void EventLoop::stop() {
    if (!thread_.joinable()) {
        return;
    }
    stopping_ = true;
    wake();
    thread_.join();
}

void EventLoop::giveBack(Connection* connection) {
    {
        std::lock_guard lock(mutex_);
        returned_.push_back(connection);
    }
    wake();
}

void EventLoop::post(std::shared_ptr<Deferral> deferral) {
    enqueue(answers_, std::move(deferral));
}

template <class Item>
void EventLoop::enqueue(std::vector<Item>& list, Item item) {
    bool first;
    {
        std::lock_guard lock(mutex_);
        first = ready_.empty() && answers_.empty();
        list.push_back(std::move(item));
    }
    // The loop takes both lists after every wake-up, so a non-empty one has
    // a wake-up on its way already: a fan-out to a thousand streams, or the
    // answers of a committed batch of creates, cost the loop one.
    if (first) {
        wake();
    }
}

void EventLoop::release(Connection& connection) {
    control(epoll_, EPOLL_CTL_DEL, connection.fd, 0);
    connection.busy = true;
}

void EventLoop::post(std::shared_ptr<DetachedStream> stream) {
    enqueue(ready_, std::move(stream));
}

void EventLoop::run() {
    epoll_event events[128];
    auto lastSweep = std::chrono::steady_clock::now();
    bool drained = false;
    while (!stopping_) {
        int n = epoll_wait(epoll_, events, 128, static_cast<int>(kSweepInterval.count()));
        for (int i = 0; i < n; ++i) {
            int fd = events[i].data.fd;
            if (fd == wakeFd_) {
                std::uint64_t count;
                [[maybe_unused]] auto ignored = read(wakeFd_, &count, sizeof count);
            } else if (fd == listenFd_) {
                acceptAll();
            } else if (auto it = connections_.find(fd); it != connections_.end()) {
                onEvent(*it->second, events[i].events);
            }
        }
        takeReturned();
        takeReady();
        takeAnswers();
        if (stopAccepting_ && accepting_) {
            control(epoll_, EPOLL_CTL_DEL, listenFd_, 0);
            accepting_ = false;
        }
        if (draining_ && !drained) {
            drained = true;
            for (auto& [fd, connection] : connections_) {
                if (connection->busy || connection->deferral) {
                    continue;  // seen again when its worker or its answer is done
                }
                if (connection->stream) {
                    process(*connection);  // ends the stream, closes once sent
                } else if (connection->input.empty() && !connection->hasOutput()) {
                    closing_.push_back(fd);
                }
            }
        }
        auto now = std::chrono::steady_clock::now();
        if (now - lastSweep >= kSweepInterval) {
            lastSweep = now;
            sweep(now);
        }
        for (int fd : closing_) {
            if (auto it = connections_.find(fd); it != connections_.end()) {
                close(*it->second);
            }
        }
        closing_.clear();
    }
    // Workers may still hold connections: shut the sockets down so that
    // their writes fail now; the connections are freed with the loop.
    for (auto& [fd, connection] : connections_) {
        if (!connection->busy && connection->stream) {
            // Past the grace period: the terminating chunk still goes out if
            // the socket takes it now.
            notify(connection->stream->finish(StreamEnd::kShutdown));
            connection->output += connection->stream->take().bytes;
            if (!connection->failed) {
                connection->flush();
            }
            releaseStream(*connection, StreamEnd::kShutdown);
        }
        ::shutdown(fd, SHUT_RDWR);
    }
}

void EventLoop::acceptAll() {
    while (accepting_) {
        sockaddr_storage address{};
        socklen_t length = sizeof address;
        int fd = accept4(listenFd_, reinterpret_cast<sockaddr*>(&address), &length,
                         SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EMFILE || errno == ENFILE) {
                Poco::Logger::get("kiod.http").warning("%s: out of file descriptors", name_);
            }
            return;  // EAGAIN: another loop took it, or none left
        }
        int one = 1;
        // Small responses must not wait for Nagle's algorithm.
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        Poco::Net::SocketAddress client(reinterpret_cast<sockaddr*>(&address), length);
        auto connection = handler_.accept(fd, client);
        auto now = std::chrono::steady_clock::now();
        connection->requestBegan = now;
        connection->deadline = deadline(*connection, now);
        control(epoll_, EPOLL_CTL_ADD, fd, EPOLLIN | EPOLLRDHUP);
        connections_.emplace(fd, std::move(connection));
    }
}

void EventLoop::onEvent(Connection& connection, std::uint32_t events) {
    if (connection.busy) {
        return;
    }
    if (events & EPOLLERR) {
        closing_.push_back(connection.fd);
        return;
    }
    // A TLS write that needs the peer's next record waits for readability.
    bool writable = (events & EPOLLOUT) || (connection.writeNeedsRead && (events & EPOLLIN));
    if (connection.wantsWrite && writable) {
        auto flushed = connection.flush();
        if (flushed == Connection::Flush::kFailed) {
            closing_.push_back(connection.fd);
            return;
        }
        connection.wantsWrite = flushed == Connection::Flush::kPending;
        updateInterest(connection);
    }
    if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP)) {
        bool peerGone = false;
        char buffer[kReadChunk];
        auto maxInput = connection.parser.limits().maxRequestBytes();
        while (connection.input.size() < maxInput) {
            auto result = connection.transport->read(buffer, sizeof buffer);
            connection.input.append(buffer, result.bytes);
            if (result.status != Transport::Status::kOk) {
                peerGone = result.status == Transport::Status::kClosed ||
                           result.status == Transport::Status::kError;
                break;
            }
            // The socket is watched level-triggered: after a short read,
            // whatever arrives later wakes the loop again, so reading on to
            // EAGAIN would only cost a system call per request.
            if (result.bytes < sizeof buffer && !connection.transport->holdsUnread()) {
                break;
            }
        }
        if (peerGone) {
            // Whatever it sent before leaving cannot be answered.
            closing_.push_back(connection.fd);
            return;
        }
        if ((connection.stream || connection.deferral) && connection.input.size() >= maxInput) {
            // Requests wait while a stream is open; a client that piles up
            // this much meanwhile is not one to wait for (and its unread
            // input would wake the loop forever).
            closing_.push_back(connection.fd);
            return;
        }
    }
    process(connection);
}

void EventLoop::process(Connection& connection) {
    auto now = std::chrono::steady_clock::now();
    if (connection.stream && !pump(connection)) {
        return;
    }
    while (!connection.busy && !connection.failed && !connection.closeAfterOutput &&
           !connection.stream && !connection.deferral && !connection.input.empty()) {
        auto state = connection.parser.parse(connection.input);
        if (state == RequestParser::State::kIncomplete) {
            break;
        }
        if (state == RequestParser::State::kHeadComplete) {
            if (connection.parser.request().expectContinue && !connection.continueSent) {
                connection.output += "HTTP/1.1 100 Continue\r\n\r\n";
                connection.continueSent = true;
            }
            break;
        }
        if (state == RequestParser::State::kError) {
            handler_.reject(connection, connection.parser.errorStatus(),
                            connection.parser.errorReason());
            connection.closeAfterOutput = true;
            connection.input.clear();
            break;
        }
        if (handler_.serve(*this, connection)) {
            return;  // a worker has it now
        }
        // An event-loop handler may have detached its response, and even
        // completed it already, making way for the next request.
        if (connection.stream && !pump(connection)) {
            return;
        }
    }
    if (connection.hasOutput() && !connection.wantsWrite) {
        switch (connection.flush()) {
            case Connection::Flush::kFailed:
                closing_.push_back(connection.fd);
                return;
            case Connection::Flush::kPending:
                connection.wantsWrite = true;
                updateInterest(connection);
                break;
            case Connection::Flush::kDone:
                break;
        }
    }
    if (connection.stream) {
        connection.stream->setUnsent(connection.output.size() - connection.outputSent);
        return;  // no deadline while the stream is open
    }
    if (connection.deferral) {
        // Deferred by a handler here or on a worker: its answer comes
        // through this loop from now on (at once if it came already).
        if (!connection.deferral->attached()) {
            connection.deferral->attach(*this, connection);
        }
        return;  // no deadline while the answer is being made, as on a worker
    }
    if (connection.failed || (connection.closeAfterOutput && !connection.hasOutput())) {
        closing_.push_back(connection.fd);
        return;
    }
    bool idle = connection.input.empty() && !connection.hasOutput();
    if (idle && draining_) {
        closing_.push_back(connection.fd);
        return;
    }
    if (!idle && connection.requestBegan == std::chrono::steady_clock::time_point()) {
        connection.requestBegan = now;
    }
    connection.deadline = deadline(connection, now);
}

std::chrono::steady_clock::time_point EventLoop::deadline(
    const Connection& connection, std::chrono::steady_clock::time_point now) const {
    bool betweenRequests = connection.requestBegan == std::chrono::steady_clock::time_point() &&
                           connection.input.empty() && !connection.hasOutput();
    auto deadline =
        now + (betweenRequests ? handler_.keepAliveTimeout() : handler_.requestTimeout());
    // A client that sends a byte now and then is active, but must not hold
    // the connection (and its buffers) for ever: slowloris. A response that
    // the client reads slowly is idle_timeout's business.
    if (connection.requestBegan != std::chrono::steady_clock::time_point() &&
        !connection.hasOutput()) {
        deadline = std::min(deadline, connection.requestBegan + handler_.readTimeout());
    }
    return deadline;
}

bool EventLoop::pump(Connection& connection) {
    auto& stream = *connection.stream;
    if (!stream.attached()) {
        stream.attach(*this, connection);
    }
    if (draining_) {
        notify(stream.finish(StreamEnd::kShutdown));
    }
    auto taken = stream.take();
    if (connection.outputSent > 0 && !taken.bytes.empty()) {
        // Output is only cleared once all of it is sent; a stream whose
        // client stays a little behind would keep every byte it was ever
        // sent. What is left to send stays the same bytes (as a TLS write
        // being retried needs), just earlier in the buffer.
        connection.output.erase(0, connection.outputSent);
        connection.outputSent = 0;
    }
    connection.output += taken.bytes;
    switch (taken.state) {
        case DetachedStream::State::kOpen:
            return true;
        case DetachedStream::State::kFinished:
            // The body is complete once this output is sent: the connection
            // goes back to serving requests (or closes, as the request
            // asked) like after any other response.
            releaseStream(connection, StreamEnd::kDisconnected);
            return true;
        case DetachedStream::State::kDropped:
            closing_.push_back(connection.fd);
            return false;
    }
    return true;
}

void EventLoop::releaseStream(Connection& connection, StreamEnd reason) {
    auto stream = std::move(connection.stream);
    connection.stream = nullptr;
    notify(stream->release(reason));
    handler_.streamReleased(connection);
}

void EventLoop::notify(const std::function<void()>& callback) {
    if (!callback) {
        return;
    }
    try {
        callback();
    } catch (const std::exception& e) {
        Poco::Logger::get("kiod.http")
            .error("%s: a stream's end callback threw: %s", name_, std::string(e.what()));
    } catch (...) {
        Poco::Logger::get("kiod.http").error("%s: a stream's end callback threw", name_);
    }
}

void EventLoop::updateInterest(Connection& connection) {
    // A TLS write that needs to read first (writeNeedsRead) waits for
    // readability, which is always asked for; asking for writability too
    // would wake the loop in a spin while the socket is writable.
    bool writable = connection.wantsWrite && !connection.writeNeedsRead;
    control(epoll_, EPOLL_CTL_MOD, connection.fd,
            EPOLLIN | EPOLLRDHUP | (writable ? EPOLLOUT : 0u));
}

template <class Item>
std::vector<Item> EventLoop::takeAll(std::vector<Item>& list) {
    std::vector<Item> taken;
    std::lock_guard lock(mutex_);
    taken.swap(list);
    return taken;
}

void EventLoop::takeReturned() {
    for (auto* connection : takeAll(returned_)) {
        connection->busy = false;
        if (connection->failed ||
            (connection->closeAfterOutput && !connection->hasOutput() && !connection->stream)) {
            closing_.push_back(connection->fd);
            continue;
        }
        control(epoll_, EPOLL_CTL_ADD, connection->fd, EPOLLIN | EPOLLRDHUP);
        process(*connection);  // a pipelined request, or a detached stream, may be waiting
    }
}

void EventLoop::takeReady() {
    for (auto& stream : takeAll(ready_)) {
        // Null once the loop let the stream go (its connection may be gone).
        auto* connection = stream->connection();
        if (connection && connection->stream == stream) {
            process(*connection);
        }
    }
}

void EventLoop::takeAnswers() {
    for (auto& deferral : takeAll(answers_)) {
        // Null once the loop let the deferral go (its connection may be gone).
        auto* connection = deferral->connection();
        if (connection && connection->deferral == deferral) {
            handler_.answer(*connection);
            process(*connection);  // sends it; a pipelined request may be waiting
        }
    }
}

void EventLoop::dropDeferral(Connection& connection) {
    auto deferral = std::move(connection.deferral);
    deferral->release(0);
    handler_.deferralDropped(connection);
}

void EventLoop::close(Connection& connection) {
    if (connection.stream) {
        releaseStream(connection, StreamEnd::kDisconnected);
    }
    if (connection.deferral) {
        dropDeferral(connection);
    }
    if (!connection.failed) {
        connection.transport->shutdown();
    }
    control(epoll_, EPOLL_CTL_DEL, connection.fd, 0);
    connections_.erase(connection.fd);
}

void EventLoop::sweep(std::chrono::steady_clock::time_point now) {
    for (auto& [fd, connection] : connections_) {
        if (!connection->busy && !connection->stream && !connection->deferral &&
            connection->deadline < now) {
            closing_.push_back(fd);
        }
    }
}

}  // namespace kiod
