#pragma once

#include <optional>
#include <string>
#include <utility>

namespace kiod {

// The failures a caller of a module interface can meet in normal operation.
// Each maps to exactly one Kubernetes Status reason and HTTP code
// (kiod/StatusResponse.h); anything else is a programming error and throws.
enum class StatusCode {
    kOk,
    kBadRequest,
    kNotFound,
    kAlreadyExists,
    kConflict,
    kInvalid,
    kExpired,
    kOverloaded,
    kUnavailable,
    kForbidden,
    kInternal,
};

// Outcome of an operation: ok, or a code and a message meant for a human.
// Cheap to copy when ok; the message is only allocated on failure.
class Status {
public:
    Status() = default;

    static Status ok() { return Status(); }
    static Status badRequest(std::string message) {
        return {StatusCode::kBadRequest, std::move(message)};
    }
    static Status notFound(std::string message) {
        return {StatusCode::kNotFound, std::move(message)};
    }
    static Status alreadyExists(std::string message) {
        return {StatusCode::kAlreadyExists, std::move(message)};
    }
    static Status conflict(std::string message) {
        return {StatusCode::kConflict, std::move(message)};
    }
    static Status invalid(std::string message) {
        return {StatusCode::kInvalid, std::move(message)};
    }
    static Status expired(std::string message) {
        return {StatusCode::kExpired, std::move(message)};
    }
    static Status overloaded(std::string message) {
        return {StatusCode::kOverloaded, std::move(message)};
    }
    static Status unavailable(std::string message) {
        return {StatusCode::kUnavailable, std::move(message)};
    }
    static Status forbidden(std::string message) {
        return {StatusCode::kForbidden, std::move(message)};
    }
    static Status internal(std::string message) {
        return {StatusCode::kInternal, std::move(message)};
    }

    bool isOk() const { return code_ == StatusCode::kOk; }
    explicit operator bool() const { return isOk(); }
    StatusCode code() const { return code_; }
    const std::string& message() const { return message_; }

private:
    Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

    StatusCode code_ = StatusCode::kOk;
    std::string message_;
};

// A value or the Status saying why there is none.
template <class T>
class Result {
public:
    Result(T value) : value_(std::move(value)) {}          // NOLINT: implicit by design
    Result(Status status) : status_(std::move(status)) {}  // NOLINT: implicit by design

    bool isOk() const { return status_.isOk(); }
    explicit operator bool() const { return isOk(); }
    const Status& status() const { return status_; }

    // Requires isOk().
    T& value() & { return *value_; }
    const T& value() const& { return *value_; }
    T&& value() && { return std::move(*value_); }
    T* operator->() { return &*value_; }
    const T* operator->() const { return &*value_; }

private:
    std::optional<T> value_;  // empty when failed: T need not be default-constructible
    Status status_;
};

}  // namespace kiod
