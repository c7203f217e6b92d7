#pragma once

#include <kiod/ResponseStream.h>

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

namespace kiod {

class EventLoop;
struct Connection;

// The state shared by a ResponseStream's writers and the event loop that
// owns its connection: what writers appended and the loop has not taken
// yet, and whether the stream is still open. Writers (any thread) meet the
// loop only here, under one mutex, and never touch the connection, whose
// transport (TLS state included) the loop alone uses. The loop pointer is
// cleared under that mutex once the loop is done with the stream, which is
// what keeps a late write() away from a loop or connection that is gone.
class DetachedStream final : public ResponseStream,
                             public std::enable_shared_from_this<DetachedStream> {
public:
    enum class State {
        kOpen,
        kFinished,  // the end of the body is queued; the connection lives on
        kDropped,   // the client is too slow: cut the connection
    };

    // `chunked`: each write is one chunk (HTTP/1.1); otherwise the bytes go
    // out as they are and the body ends when the connection closes.
    DetachedStream(bool chunked, StreamOptions options);
    // A stream whose body is already complete (the answer to HEAD).
    static std::shared_ptr<DetachedStream> completed();

    bool write(std::string_view bytes) override;
    void close() override;
    bool isOpen() const override;
    bool waitForRoom(std::size_t bytes, std::chrono::milliseconds timeout) override;

    // The event loop's side; its thread only.

    // From now on, writes wake `loop` to serve `connection`.
    void attach(EventLoop& loop, Connection& connection);
    bool attached() const { return connection_ != nullptr; }
    // The connection it is attached to, or null once the loop let it go.
    Connection* connection() const { return connection_; }

    struct Taken {
        std::string bytes;
        State state;
    };
    // What was written since the last take, now on its way to the client.
    Taken take();
    // The connection's output still unsent after a send, which later
    // writes count against maxUnsent.
    void setUnsent(std::size_t bytes);

    // Ends an open stream as close() would, for `reason`. Returns the onEnd
    // call to make once no lock is held, or an empty function.
    std::function<void()> finish(StreamEnd reason);
    // The loop lets the stream go: the connection is closing, or the body
    // is complete. Writes fail from now on. Returns the onEnd call still
    // owed (for `reason`, or kTooSlow if that is how it ended), or an empty
    // function.
    std::function<void()> release(StreamEnd reason);

private:
    std::function<void()> takeCallback(StreamEnd reason);
    void post();

    const bool chunked_;
    const std::size_t maxUnsent_;

    mutable std::mutex mutex_;
    // Signalled when unsent output shrinks or the stream ends (waitForRoom).
    std::condition_variable room_;
    std::string pending_;
    std::size_t unsent_ = 0;
    State state_ = State::kOpen;
    bool queued_ = false;  // posted to the loop, not taken yet
    EventLoop* loop_ = nullptr;
    std::function<void(StreamEnd)> onEnd_;

    Connection* connection_ = nullptr;  // the loop's thread only
};

}  // namespace kiod
