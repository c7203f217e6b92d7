#include "KeyFilePermissions.h"

#include <cstdio>
#include <sys/stat.h>

namespace kiod {

std::string keyFileExposure(const std::string& path) {
    struct stat info {};
    if (stat(path.c_str(), &info) != 0) {
        return {};
    }
    bool rootOwned = info.st_uid == 0;
    mode_t allowed = rootOwned ? S_IRGRP : 0;
    mode_t excess = info.st_mode & (S_IRWXG | S_IRWXO) & ~allowed;
    if (excess == 0) {
        return {};
    }
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(info.st_mode & 07777));
    return "'" + path + "' has mode " + mode + ", which lets " +
           (excess & S_IRWXO ? "other users" : "its group") + " at the private key; make it " +
           (rootOwned ? "0640 or stricter" : "0600 or stricter");
}

}  // namespace kiod
