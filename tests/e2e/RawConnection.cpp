#include "RawConnection.h"

#include <Poco/Net/Context.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/String.h>
#include <Poco/URI.h>

#include <cstdlib>

namespace kiod::test {

namespace {

Poco::Net::StreamSocket connect(const std::string& url) {
    Poco::URI uri(url);
    Poco::Net::SocketAddress address(uri.getHost(), uri.getPort());
    if (uri.getScheme() != "https") {
        return Poco::Net::StreamSocket(address);
    }
    Poco::Net::Context::Params params;
    params.verificationMode = Poco::Net::Context::VERIFY_NONE;
    params.loadDefaultCAs = false;
    Poco::Net::Context::Ptr context =
        new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
    return Poco::Net::SecureStreamSocket(address, context);
}

}  // namespace

RawConnection::RawConnection(const std::string& url) : socket_(connect(url)) {
    socket_.setReceiveTimeout(Poco::Timespan(10, 0));
}

bool RawConnection::closed() const {
    return closed_ || closing_;
}

void RawConnection::send(const std::string& bytes) {
    socket_.sendBytes(bytes.data(), static_cast<int>(bytes.size()));
}

std::string RawConnection::readUntil(const std::string& text) {
    while (received_.find(text) == std::string::npos && !closed_) {
        readSome();
    }
    return received_;
}

std::string RawConnection::readToEnd() {
    while (!closed_) {
        readSome();
    }
    return received_;
}

int RawConnection::readResponse(bool headOnly) {
    auto readAtLeast = [this](std::size_t size) {
        while (received_.size() < size && !closed_) {
            readSome();
        }
        return received_.size() >= size;
    };
    while (true) {
        auto headEnd = readUntil("\r\n\r\n").find("\r\n\r\n");
        if (headEnd == std::string::npos || received_.size() < 12) {
            return 0;
        }
        int status = std::atoi(received_.substr(9, 3).c_str());
        auto head = Poco::toLower(received_.substr(0, headEnd + 4));
        received_.erase(0, headEnd + 4);
        // The server closes after this response: no more requests here.
        closing_ = head.find("\r\nconnection: close\r\n") != std::string::npos;
        if (status / 100 == 1) {
            continue;
        }
        if (headOnly || status == 204 || status == 304) {
            return status;
        }
        if (head.find("\r\ntransfer-encoding: chunked\r\n") != std::string::npos) {
            while (true) {
                auto lineEnd = readUntil("\r\n").find("\r\n");
                if (lineEnd == std::string::npos) {
                    return 0;
                }
                auto size = std::stoul(received_.substr(0, lineEnd), nullptr, 16);
                received_.erase(0, lineEnd + 2);
                if (!readAtLeast(size + 2)) {
                    return 0;
                }
                received_.erase(0, size + 2);
                if (size == 0) {
                    return status;
                }
            }
        }
        auto length = head.find("\r\ncontent-length: ");
        if (length == std::string::npos) {
            readToEnd();
            received_.clear();
            return status;
        }
        auto size = std::stoul(head.substr(length + 18));
        if (!readAtLeast(size)) {
            return 0;
        }
        received_.erase(0, size);
        return status;
    }
}

void RawConnection::readSome() {
    char buffer[4096];
    int n = socket_.receiveBytes(buffer, sizeof buffer);
    if (n <= 0) {
        closed_ = true;
    } else {
        received_.append(buffer, static_cast<std::size_t>(n));
    }
}

int count(const std::string& text, const std::string& part) {
    int n = 0;
    for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) {
        ++n;
    }
    return n;
}

}  // namespace kiod::test
