#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string_view>

namespace kiod {

// Why a detached stream ended other than by its owner's close().
enum class StreamEnd {
    // The client went away, or its connection failed (reset, TLS error).
    kDisconnected,
    // A write() found more than StreamOptions::maxUnsent bytes that the
    // client had not yet taken; the connection was closed without the
    // terminating chunk, so the client sees a cut-off body.
    kTooSlow,
    // kiod is stopping (SIGTERM): the client got the terminating chunk, as if
    // close() had been called, and the connection was then closed.
    kShutdown,
};

// "disconnected", "too_slow", "shutdown": for logs and metric labels.
const char* toString(StreamEnd end);

struct StreamOptions {
    // Bytes written but not yet taken by the client (queued in kiod, not
    // counting what the kernel's socket buffers hold) past which write()
    // refuses and ends the stream as kTooSlow. It bounds what a client that
    // stops reading can cost: a thousand streams at the bound hold
    // 1000 * maxUnsent bytes. Writes not yet taken by the event loop count
    // too, so a burst larger than this is refused even for a fast client:
    // size it above the largest burst (a list replayed at the start of a
    // watch, say), or pace the burst.
    std::size_t maxUnsent = 256 * 1024;

    // Called exactly once when the stream ends for a reason other than
    // close(); never called if close() came first. It runs on the event-loop
    // thread that owns the connection (or, for a stream still open when a
    // listener is torn down after its grace period, on the thread that
    // stops kiod), never inside write() or close() and never while a lock
    // that they take is held: it may call write() and close() on this or
    // any other stream, and may take the locks of whoever calls write().
    // It must be quick and must not throw: it holds up every connection of
    // that loop while it runs.
    std::function<void(StreamEnd)> onEnd;
};

// The body of a response that outlives its handler. A handler sets the
// status and headers, calls RouteRequest::detach() and returns; its worker
// is free at once, and the body is sent by the listener's event loop with
// non-blocking writes as others write() to the stream, from any thread,
// for as long as they like. An open stream is exempt from the listener's
// idle and keep-alive timeouts.
//
// On the wire (HTTP/1.1): the status line and headers go out at once with
// `Transfer-Encoding: chunked`; each write() is one chunk; close() sends
// the terminating chunk, and the connection then serves the client's next
// request (or closes, if the request asked for `Connection: close`). An
// HTTP/1.0 client gets the bytes unframed and the connection closes at the
// end. For a HEAD request the stream is born closed (no body is sent).
//
// Thread-safe. The object stays valid, and safe to call, after its
// connection, listener or event loop is gone: write() then returns false
// and close() does nothing. Letting go of the last reference to an open
// stream closes it, so a handler that throws after detaching, or a fan-out
// that forgets a stream, still ends the client's body.
class ResponseStream {
public:
    virtual ~ResponseStream() = default;

    // Appends `bytes` as one chunk of the body and wakes the connection's
    // event loop to send it. Returns at once, without waiting for the
    // client; writes made before the loop runs go out in one send. An empty
    // write does nothing (an empty chunk would end the body) and returns
    // whether the stream is open.
    //
    // Returns false, and sends nothing, when the stream has ended (close(),
    // or any StreamEnd), or when the client is too slow: its unsent output
    // would exceed StreamOptions::maxUnsent. In that last case the stream
    // ends as kTooSlow (onEnd follows, on the loop) and the caller should
    // drop the stream: every later write() returns false too.
    virtual bool write(std::string_view bytes) = 0;

    // Blocks until `bytes` more would fit under StreamOptions::maxUnsent
    // (the client has taken enough of what was written), the stream has
    // ended, or `timeout` has passed. Returns whether they fit now. For a
    // producer with a burst larger than the bound (the objects a watch
    // starts with) on a thread that may block (a worker): it paces the
    // burst to the client instead of having write() refuse it. Never call
    // it from an event loop or from onEnd.
    virtual bool waitForRoom(std::size_t bytes, std::chrono::milliseconds timeout) = 0;

    // Ends the body (the terminating chunk, after everything written
    // before). onEnd is not called. Later calls, and calls after the stream
    // ended otherwise, do nothing.
    virtual void close() = 0;

    // Whether write() may still succeed: neither closed nor ended.
    virtual bool isOpen() const = 0;
};

}  // namespace kiod
