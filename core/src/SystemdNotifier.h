#pragma once

#include <string>

namespace kiod {

// The sd_notify protocol without libsystemd: datagrams of `KEY=VALUE` lines
// to the socket named by $NOTIFY_SOCKET (a path, or an abstract socket when
// it starts with '@'). Without $NOTIFY_SOCKET every call does nothing, so
// kiod behaves the same outside systemd.
class SystemdNotifier {
public:
    SystemdNotifier();

    bool enabled() const { return !socketPath_.empty(); }

    // Sends `state` (e.g. "READY=1\nSTATUS=serving"). Failures are ignored:
    // a supervisor that stopped listening must not stop kiod.
    void notify(const std::string& state) const;

private:
    std::string socketPath_;
};

}  // namespace kiod
