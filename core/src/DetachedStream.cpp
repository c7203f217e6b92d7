#include "DetachedStream.h"

#include "ChunkedEncoding.h"
#include "EventLoop.h"

namespace kiod {

const char* toString(StreamEnd end) {
    switch (end) {
        case StreamEnd::kDisconnected:
            return "disconnected";
        case StreamEnd::kTooSlow:
            return "too_slow";
        case StreamEnd::kShutdown:
            return "shutdown";
    }
    return "unknown";
}

DetachedStream::DetachedStream(bool chunked, StreamOptions options)
    : chunked_(chunked), maxUnsent_(options.maxUnsent), onEnd_(std::move(options.onEnd)) {}

std::shared_ptr<DetachedStream> DetachedStream::completed() {
    auto stream = std::make_shared<DetachedStream>(false, StreamOptions{});
    stream->state_ = State::kFinished;
    return stream;
}

bool DetachedStream::write(std::string_view bytes) {
    std::unique_lock lock(mutex_);
    if (state_ != State::kOpen) {
        return false;
    }
    if (bytes.empty()) {
        return true;
    }
    if (pending_.size() + unsent_ + bytes.size() > maxUnsent_) {
        // Queuing more for a client that does not read would only grow
        // kiod's memory; the loop cuts the connection and calls onEnd.
        state_ = State::kDropped;
        pending_.clear();
        post();
        return false;
    }
    if (chunked_) {
        appendChunk(pending_, bytes);
    } else {
        pending_.append(bytes);
    }
    post();
    return true;
}

void DetachedStream::close() {
    std::function<void(StreamEnd)> unused;
    std::lock_guard lock(mutex_);
    if (state_ != State::kOpen) {
        return;
    }
    state_ = State::kFinished;
    if (chunked_) {
        pending_ += kLastChunk;
    }
    unused.swap(onEnd_);
    post();
    room_.notify_all();
}

bool DetachedStream::isOpen() const {
    std::lock_guard lock(mutex_);
    return state_ == State::kOpen;
}

bool DetachedStream::waitForRoom(std::size_t bytes, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    room_.wait_for(lock, timeout, [&] {
        return state_ != State::kOpen || pending_.size() + unsent_ + bytes <= maxUnsent_;
    });
    return state_ == State::kOpen && pending_.size() + unsent_ + bytes <= maxUnsent_;
}

void DetachedStream::post() {
    // Once per take: a burst of writes costs the loop one wake-up and the
    // client one send.
    if (!queued_ && loop_) {
        queued_ = true;
        loop_->post(shared_from_this());
    }
}

void DetachedStream::attach(EventLoop& loop, Connection& connection) {
    std::lock_guard lock(mutex_);
    connection_ = &connection;
    loop_ = &loop;
}

DetachedStream::Taken DetachedStream::take() {
    std::lock_guard lock(mutex_);
    queued_ = false;
    Taken taken{std::move(pending_), state_};
    pending_.clear();
    unsent_ += taken.bytes.size();
    return taken;
}

void DetachedStream::setUnsent(std::size_t bytes) {
    {
        std::lock_guard lock(mutex_);
        unsent_ = bytes;
    }
    room_.notify_all();
}

std::function<void()> DetachedStream::takeCallback(StreamEnd reason) {
    if (!onEnd_) {
        return {};
    }
    return [onEnd = std::move(onEnd_), reason] { onEnd(reason); };
}

std::function<void()> DetachedStream::finish(StreamEnd reason) {
    std::function<void()> callback;
    {
        std::lock_guard lock(mutex_);
        if (state_ != State::kOpen) {
            return {};
        }
        state_ = State::kFinished;
        if (chunked_) {
            pending_ += kLastChunk;
        }
        callback = takeCallback(reason);
    }
    room_.notify_all();
    return callback;
}

std::function<void()> DetachedStream::release(StreamEnd reason) {
    std::function<void()> callback;
    {
        std::lock_guard lock(mutex_);
        loop_ = nullptr;
        connection_ = nullptr;
        pending_.clear();
        callback = takeCallback(state_ == State::kDropped ? StreamEnd::kTooSlow : reason);
        if (state_ == State::kOpen) {
            state_ = State::kDropped;
        }
    }
    room_.notify_all();
    return callback;
}

}  // namespace kiod
