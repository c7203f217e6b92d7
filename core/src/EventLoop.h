#pragma once

#include "Connection.h"

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

namespace kiod {

// What an event loop asks of its listener.
class ConnectionHandler {
public:
    virtual ~ConnectionHandler() = default;
    // Wraps a freshly accepted socket (TLS or not).
    virtual std::unique_ptr<Connection> accept(int fd, const Poco::Net::SocketAddress& client) = 0;
    // A complete request is in connection.parser. Serves it now (returns
    // false) or hands the connection to a worker (marks it busy, returns
    // true), which gives it back with EventLoop::giveBack when done.
    virtual bool serve(class EventLoop& loop, Connection& connection) = 0;
    // The status and message for a request the parser rejected.
    virtual void reject(Connection& connection, int status, const std::string& reason) = 0;
    // How long a connection may sit idle between requests, how long a
    // request in progress may go without a byte, and how long it may take
    // to arrive in all once begun.
    virtual std::chrono::milliseconds keepAliveTimeout() const = 0;
    virtual std::chrono::milliseconds requestTimeout() const = 0;
    virtual std::chrono::milliseconds readTimeout() const = 0;
    // The loop let go of connection.stream: its body is complete, or the
    // connection is closing. The request it answered is over.
    virtual void streamReleased(Connection& connection) = 0;
    // connection.deferral was completed: writes its answer into the
    // connection's output and lets it go. The request is over.
    virtual void answer(Connection& connection) = 0;
    // The connection is closing before its deferred answer came: the
    // request is over.
    virtual void deferralDropped(Connection& connection) = 0;
};

// One I/O thread of a listener: accepts connections (the listening socket
// is shared by every loop of the listener; the kernel wakes one per
// connection), reads and parses requests, runs event-loop routes inline and
// passes the others to workers, and writes responses without blocking. Idle
// keep-alive connections cost no thread, and neither do detached response
// streams: writers post them here and the loop sends what they wrote.
class EventLoop {
public:
    EventLoop(ConnectionHandler& handler, int listenFd, std::string name);
    ~EventLoop();

    void start();
    // Stops accepting; connections already accepted are served on.
    void stopAccepting();
    // From now on, closes each connection as soon as it has no request in
    // progress (answers carry Connection: close), and ends detached streams
    // with their terminating chunk (StreamEnd::kShutdown).
    void drain();
    // Shuts every connection down, so that a worker writing to one fails at
    // once, and ends the thread. The connections are freed with the loop,
    // after the caller has waited for the workers.
    void stop();

    // A worker is done with `connection`; thread-safe.
    void giveBack(Connection* connection);

    // Stop the epoll interest in a connection a worker is about to own.
    void release(Connection& connection);

    // `stream` has output to send or has ended; thread-safe. Called by
    // DetachedStream with its own lock held, so this takes only the loop's.
    void post(std::shared_ptr<DetachedStream> stream);

    // `deferral` was completed; thread-safe. Called by Deferral with its
    // own lock held, so this takes only the loop's.
    void post(std::shared_ptr<Deferral> deferral);

private:
    void run();
    void acceptAll();
    void onEvent(Connection& connection, std::uint32_t events);
    void process(Connection& connection);
    void updateInterest(Connection& connection);
    void close(Connection& connection);
    void sweep(std::chrono::steady_clock::time_point now);
    // When `connection` is to be closed unless something happens first.
    std::chrono::steady_clock::time_point deadline(const Connection& connection,
                                                   std::chrono::steady_clock::time_point now) const;
    void takeReturned();
    void takeReady();
    void takeAnswers();
    // Lets go of a deferral whose answer will not be written.
    void dropDeferral(Connection& connection);
    // Moves what the connection's stream was written to its output; false
    // when the connection must close instead (a client too slow).
    bool pump(Connection& connection);
    void releaseStream(Connection& connection, StreamEnd reason);
    // Runs an onEnd callback that DetachedStream handed out.
    void notify(const std::function<void()>& callback);
    void wake();
    // Adds `item` to `list` (ready_ or answers_) and wakes the loop if need be.
    template <class Item>
    void enqueue(std::vector<Item>& list, Item item);
    // Empties a list that other threads add to.
    template <class Item>
    std::vector<Item> takeAll(std::vector<Item>& list);

    ConnectionHandler& handler_;
    int listenFd_;
    std::string name_;
    int epoll_ = -1;
    int wakeFd_ = -1;
    std::thread thread_;

    std::unordered_map<int, std::unique_ptr<Connection>> connections_;
    std::vector<int> closing_;

    std::mutex mutex_;
    std::vector<Connection*> returned_;
    std::vector<std::shared_ptr<DetachedStream>> ready_;
    std::vector<std::shared_ptr<Deferral>> answers_;
    std::atomic<bool> stopAccepting_{false};
    std::atomic<bool> draining_{false};
    std::atomic<bool> stopping_{false};
    bool accepting_ = true;  // loop thread only
};

}  // namespace kiod
