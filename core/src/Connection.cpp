#include "Connection.h"

#include <poll.h>

namespace kiod {

Connection::Flush Connection::flush() {
    while (hasOutput()) {
        auto result = transport->write(output.data() + outputSent, output.size() - outputSent);
        switch (result.status) {
            case Transport::Status::kOk:
                outputSent += result.bytes;
                break;
            case Transport::Status::kWantRead:
            case Transport::Status::kWantWrite:
                writeNeedsRead = result.status == Transport::Status::kWantRead;
                return Flush::kPending;
            case Transport::Status::kClosed:
            case Transport::Status::kError:
                failed = true;
                return Flush::kFailed;
        }
    }
    output.clear();
    outputSent = 0;
    return Flush::kDone;
}

bool Connection::flushAll(std::chrono::milliseconds timeout) {
    while (true) {
        switch (flush()) {
            case Flush::kDone:
                return true;
            case Flush::kFailed:
                return false;
            case Flush::kPending:
                break;
        }
        pollfd entry{fd, static_cast<short>(writeNeedsRead ? POLLIN : POLLOUT), 0};
        if (poll(&entry, 1, static_cast<int>(timeout.count())) <= 0 ||
            (entry.revents & (POLLERR | POLLHUP))) {
            failed = true;
            return false;
        }
    }
}

}  // namespace kiod
