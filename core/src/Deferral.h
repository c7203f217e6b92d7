#pragma once

#include <kiod/DeferredResponse.h>

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace kiod {

class EventLoop;
struct Connection;

// The state shared by a deferred response's completer (any thread) and the
// event loop that owns its connection, under one mutex: as with a
// DetachedStream, the completer never touches the connection. The loop
// pointer is cleared once the loop is done with the request, which keeps a
// late complete() away from a loop or a connection that is gone.
class Deferral final : public DeferredResponse, public std::enable_shared_from_this<Deferral> {
public:
    // What the answer needs of its request.
    struct Request {
        std::string version;  // HTTP/1.1 or HTTP/1.0
        bool keepAlive = false;
        bool head = false;
    };

    explicit Deferral(Request request) : request_(std::move(request)) {}

    void complete(Write write) override;
    void whenAnswered(std::function<void(int status)> answered) override;

    // complete() with a 500, unless it was called: the handler let go of
    // the response without answering.
    void abandon();

    const Request& request() const { return request_; }

    // The event loop's side; its thread only.

    // From now on, complete() wakes `loop` to answer on `connection`; at
    // once if it was called already.
    void attach(EventLoop& loop, Connection& connection);
    bool attached() const { return connection_ != nullptr; }
    // The connection it is attached to, or null once the loop let it go.
    Connection* connection() const { return connection_; }
    // The write that complete() was given.
    Write take();
    // The request is over, answered with `status` (0: the client went away
    // first). Runs the whenAnswered callbacks; complete() does nothing from
    // now on.
    void release(int status);

private:
    const Request request_;
    std::mutex mutex_;
    Write write_;
    bool completed_ = false;
    bool released_ = false;
    EventLoop* loop_ = nullptr;
    std::vector<std::function<void(int)>> answered_;
    Connection* connection_ = nullptr;  // the loop's thread only
};

}  // namespace kiod
