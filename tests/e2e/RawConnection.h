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

    // Reads one whole response (its head, then a body by Content-Length,
    // chunks or the connection's end; none when `headOnly`, as for HEAD),
    // skipping 1xx, and takes it out of received(). Its status code, or 0
    // when the connection closed before it was complete.
    int readResponse(bool headOnly = false);

    // Waits for more bytes, or for the server to close the connection.
    void readSome();
    // Everything read so far.
    const std::string& received() const { return received_; }
    // The server closed the connection, or said in its last response
    // (read by readResponse) that it would.
    bool closed() const;

    // Closes this end, as a client that goes away.
    void close() { socket_.close(); }

private:
    Poco::Net::StreamSocket socket_;
    std::string received_;
    bool closed_ = false;
    bool closing_ = false;
};

// How many times `part` occurs in `text`.
int count(const std::string& text, const std::string& part);

}  // namespace kiod::test
