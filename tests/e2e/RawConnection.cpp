#include "RawConnection.h"

#include <Poco/Net/Context.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/URI.h>

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
