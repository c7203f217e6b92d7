#include "SystemdNotifier.h"

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace kiod {

SystemdNotifier::SystemdNotifier() {
    if (const char* path = std::getenv("NOTIFY_SOCKET")) {
        socketPath_ = path;
    }
}

void SystemdNotifier::notify(const std::string& state) const {
    if (socketPath_.empty() || socketPath_.size() >= sizeof(sockaddr_un::sun_path)) {
        return;
    }
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, socketPath_.data(), socketPath_.size());
    if (address.sun_path[0] == '@') {
        address.sun_path[0] = '\0';
    }
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return;
    }
    auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + socketPath_.size());
    sendto(fd, state.data(), state.size(), MSG_NOSIGNAL, reinterpret_cast<sockaddr*>(&address),
           length);
    close(fd);
}

}  // namespace kiod
