#include "RequestParser.h"

#include <kiod/ConfigSection.h>

#include <Poco/String.h>

#include <algorithm>
#include <charconv>

namespace kiod {

namespace {

bool isToken(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) ||
               std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
    });
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
        text.remove_prefix(1);
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
        text.remove_suffix(1);
    }
    return text;
}

}  // namespace

void RequestParser::reset() {
    request_ = ParsedRequest();
    headDone_ = false;
    headScanned_ = 0;
    requestLineChecked_ = false;
    headBytes_ = 0;
    bodyBytes_ = 0;
    errorStatus_ = 0;
    errorReason_.clear();
}

RequestParser::State RequestParser::fail(int status, std::string reason) {
    errorStatus_ = status;
    errorReason_ = std::move(reason);
    return State::kError;
}

RequestParser::State RequestParser::parse(std::string_view input) {
    if (errorStatus_) {
        return State::kError;
    }
    if (!headDone_) {
        if (auto state = checkRequestLine(input); state == State::kError) {
            return state;
        }
        // The end marker may straddle what was searched before.
        auto end = input.find("\r\n\r\n", headScanned_ < 3 ? 0 : headScanned_ - 3);
        headScanned_ = input.size();
        if (end == std::string_view::npos) {
            return input.size() > limits_.maxHeaderBytes ? headTooLarge() : State::kIncomplete;
        }
        if (end + 4 > limits_.maxHeaderBytes) {
            return headTooLarge();
        }
        headBytes_ = end + 4;
        if (auto state = parseHead(input.substr(0, end)); state == State::kError) {
            return state;
        }
        headDone_ = true;
    }
    auto available = input.size() - headBytes_;
    auto wanted = bodyBytes_;
    if (available < wanted) {
        return State::kHeadComplete;
    }
    request_.body.assign(input.substr(headBytes_, wanted));
    return State::kComplete;
}

RequestParser::State RequestParser::headTooLarge() {
    return fail(431,
                "the request's header fields are larger than " + sizeText(limits_.maxHeaderBytes));
}

RequestParser::State RequestParser::checkRequestLine(std::string_view input) {
    if (requestLineChecked_) {
        return State::kIncomplete;
    }
    // No line end in what was searched before.
    auto lineEnd = input.find("\r\n", headScanned_ < 1 ? 0 : headScanned_ - 1);
    if (lineEnd == std::string_view::npos) {
        // Longer than the longest URL with a method and version around it.
        constexpr std::size_t kMethodAndVersion = 64;
        return input.size() > limits_.maxUrlBytes + kMethodAndVersion ? urlTooLong()
                                                                      : State::kIncomplete;
    }
    requestLineChecked_ = true;
    auto line = input.substr(0, lineEnd);
    auto targetStart = line.find(' ');
    auto targetEnd = line.rfind(' ');
    if (targetStart != std::string_view::npos && targetEnd > targetStart &&
        targetEnd - targetStart - 1 > limits_.maxUrlBytes) {
        return urlTooLong();
    }
    return State::kIncomplete;
}

RequestParser::State RequestParser::urlTooLong() {
    return fail(414, "the request's URL is longer than " + sizeText(limits_.maxUrlBytes));
}

RequestParser::State RequestParser::parseHead(std::string_view head) {
    auto lineEnd = head.find("\r\n");
    std::string_view line = head.substr(0, lineEnd);
    auto firstSpace = line.find(' ');
    auto lastSpace = line.rfind(' ');
    if (firstSpace == std::string_view::npos || firstSpace == lastSpace) {
        return fail(400, "malformed request line");
    }
    std::string_view method = line.substr(0, firstSpace);
    std::string_view target = line.substr(firstSpace + 1, lastSpace - firstSpace - 1);
    std::string_view version = line.substr(lastSpace + 1);
    if (!isToken(method) || target.empty() || target.front() != '/' ||
        target.find(' ') != std::string_view::npos) {
        return fail(400, "malformed request line");
    }
    if (version != "HTTP/1.1" && version != "HTTP/1.0") {
        return fail(505, "only HTTP/1.0 and HTTP/1.1 are supported");
    }
    request_.method = method;
    request_.target = target;
    request_.version = version;

    bool hasLength = false;
    std::string_view rest =
        lineEnd == std::string_view::npos ? std::string_view() : head.substr(lineEnd + 2);
    while (!rest.empty()) {
        auto end = rest.find("\r\n");
        std::string_view field = rest.substr(0, end);
        rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 2);
        auto colon = field.find(':');
        if (colon == std::string_view::npos || !isToken(field.substr(0, colon))) {
            return fail(400, "malformed header field");
        }
        std::string name(field.substr(0, colon));
        std::string_view value = trim(field.substr(colon + 1));
        if (Poco::icompare(name, "Content-Length") == 0) {
            std::size_t length = 0;
            auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), length);
            if (error != std::errc() || end != value.data() + value.size() ||
                (hasLength && length != bodyBytes_)) {
                return fail(400, "invalid Content-Length");
            }
            if (length > limits_.maxBodyBytes) {
                return fail(413,
                            "the request body is larger than " + sizeText(limits_.maxBodyBytes));
            }
            hasLength = true;
            bodyBytes_ = length;
        } else if (Poco::icompare(name, "Transfer-Encoding") == 0) {
            // kubectl and client-go send bodies with a Content-Length.
            return fail(501, "request bodies with Transfer-Encoding are not supported");
        } else if (Poco::icompare(name, "Expect") == 0) {
            request_.expectContinue = Poco::icompare(std::string(value), "100-continue") == 0;
        }
        request_.headers.emplace_back(std::move(name), value);
    }
    return State::kIncomplete;
}

}  // namespace kiod
