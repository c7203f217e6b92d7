#pragma once

#include <Poco/Net/StreamSocket.h>

#include <string>

namespace kiod::test {

// A raw connection to a kiod listener, to see HTTP as it is on the wire:
// plain TCP for an `http://` URL, TLS (not verifying the server) for
// `https://`. Reads wait at most 10 s, then throw Poco::TimeoutException.
class RawConnection {
public:
    explicit RawConnection(const std::string& url);

    void send(const std::string& bytes);

    // Reads until `text` has arrived (returns everything read so far) or
    // the server closes the connection.
    std::string readUntil(const std::string& text);

    // Reads until the server closes the connection; everything received.
    std::string readToEnd();

    // Waits for more bytes, or for the server to close the connection.
    void readSome();
    // Everything read so far.
    const std::string& received() const { return received_; }
    bool closed() const { return closed_; }

    // Closes this end, as a client that goes away.
    void close() { socket_.close(); }

private:
    Poco::Net::StreamSocket socket_;
    std::string received_;
    bool closed_ = false;
};

// How many times `part` occurs in `text`.
int count(const std::string& text, const std::string& part);

}  // namespace kiod::test
