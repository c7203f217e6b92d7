#include "FileSync.h"

#include <fcntl.h>
#include <filesystem>
#include <unistd.h>

namespace kiod::catalog {

bool syncPath(const std::string& path) {
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return false;
    }
    bool synced = fsync(fd) == 0;
    close(fd);
    return synced;
}

std::string directoryOf(const std::string& path) {
    auto parent = std::filesystem::path(path).parent_path();
    return parent.empty() ? "." : parent.string();
}

}  // namespace kiod::catalog
