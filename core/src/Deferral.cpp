#include "Deferral.h"

#include "EventLoop.h"

#include <kiod/StatusResponse.h>

namespace kiod {

void Deferral::complete(Write write) {
    std::lock_guard lock(mutex_);
    if (completed_ || released_) {
        return;
    }
    completed_ = true;
    write_ = std::move(write);
    // Under the lock, as DetachedStream posts: release() cannot clear the
    // loop, nor the loop go, while this posts to it.
    if (loop_) {
        loop_->post(shared_from_this());
    }
}

void Deferral::whenAnswered(std::function<void(int status)> answered) {
    std::lock_guard lock(mutex_);
    answered_.push_back(std::move(answered));
}

void Deferral::abandon() {
    complete([](Poco::Net::HTTPServerResponse& response) {
        sendStatus(response, 500, "InternalError",
                   "the server dropped the request before answering it");
    });
}

void Deferral::attach(EventLoop& loop, Connection& connection) {
    bool completed;
    {
        std::lock_guard lock(mutex_);
        loop_ = &loop;
        completed = completed_;
    }
    connection_ = &connection;
    if (completed) {
        loop.post(shared_from_this());
    }
}

Deferral::Write Deferral::take() {
    std::lock_guard lock(mutex_);
    return std::move(write_);
}

void Deferral::release(int status) {
    std::vector<std::function<void(int)>> answered;
    // An answer never taken (the client went first) goes too: it may hold
    // the last handle to this deferral.
    Write unwritten;
    {
        std::lock_guard lock(mutex_);
        released_ = true;
        loop_ = nullptr;
        answered.swap(answered_);
        unwritten.swap(write_);
    }
    connection_ = nullptr;
    for (auto& callback : answered) {
        callback(status);
    }
}

}  // namespace kiod
