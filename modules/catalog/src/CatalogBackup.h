#pragma once

#include <kiod/Status.h>

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

namespace kiod::catalog {

struct BackupInfo {
    std::string file;
    std::uint64_t bytes = 0;
    std::string sha256;
    double seconds = 0;
    std::int64_t finishedAt = 0;  // Unix seconds
};

// Online backups of the live catalog into a directory, keeping the newest
// `keep`. Each is one consistent snapshot (VACUUM INTO from a read
// transaction: writers go on, and unlike SQLite's stepped backup API it does
// not restart on every write), checked with quick_check, with a
// NAME.sha256 beside it in sha256sum's format.
class CatalogBackup {
public:
    using Progress = std::function<void(const std::string& message)>;

    // `progress` hears when each backup starts and ends.
    CatalogBackup(std::string catalogPath, std::string dir, int keep, Progress progress);

    // One backup now; backups never run concurrently. Unavailable when the
    // copy cannot be written or fails its check.
    Result<BackupInfo> run();

    // The last successful backup (bytes == 0 before the first).
    BackupInfo last() const;

    const std::string& dir() const { return dir_; }

private:
    void prune() const;

    std::string catalogPath_;
    std::string dir_;
    int keep_;
    Progress progress_;
    std::mutex running_;
    mutable std::mutex lastMutex_;
    BackupInfo last_;
};

}  // namespace kiod::catalog
