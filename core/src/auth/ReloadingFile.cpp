#include "ReloadingFile.h"

#include <Poco/Logger.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace kiod {

FileIdentity FileIdentity::of(const std::string& path) {
    FileIdentity identity;
    struct stat info {};
    if (stat(path.c_str(), &info) == 0) {
        identity.device_ = info.st_dev;
        identity.inode_ = info.st_ino;
        identity.size_ = info.st_size;
        identity.mtime_ = info.st_mtim.tv_sec;
        identity.mtimeNanos_ = info.st_mtim.tv_nsec;
        identity.ctime_ = info.st_ctim.tv_sec;
        identity.ctimeNanos_ = info.st_ctim.tv_nsec;
    }
    return identity;
}

Result<std::string> readWholeFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return Status::invalid("cannot read '" + path + "': " + std::strerror(errno));
    }
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

void logReload(const std::string& key, const std::string& path, const Status& outcome) {
    auto& log = Poco::Logger::get("kiod.auth");
    if (outcome) {
        log.information("%s: reloaded '%s'", key, path);
    } else {
        log.error("%s: kept the previous contents: %s", key, outcome.message());
    }
}

}  // namespace kiod
