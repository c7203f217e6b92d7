#pragma once

#include <kiod/Errors.h>
#include <kiod/Status.h>

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <sys/stat.h>

namespace kiod {

// What tells a changed file from the one read last: a new inode (the usual
// replace-by-rename, and Kubernetes' ConfigMap symlink swap), size, mtime or
// ctime, to the nanosecond.
class FileIdentity {
public:
    // The file's identity now; empty when it cannot be stat()ed.
    static FileIdentity of(const std::string& path);
    bool operator==(const FileIdentity&) const = default;

private:
    dev_t device_ = 0;
    ino_t inode_ = 0;
    off_t size_ = 0;
    long mtime_ = 0;
    long mtimeNanos_ = 0;
    long ctime_ = 0;
    long ctimeNanos_ = 0;
};

// The whole of a file, or why it cannot be read.
Result<std::string> readWholeFile(const std::string& path);

// Logs a reload: success at information level, failure at error level.
void logReload(const std::string& key, const std::string& path, const Status& outcome);

// A file parsed into a T, parsed again by poll() when it changed (a
// FileWatcher calls it). Readers get the T current when they ask and keep
// it as long as they hold it, so a reload never changes a decision midway.
// A change that does not read or parse keeps the previous T and logs why:
// a typo in a rules file must not lock everyone out (or let everyone in).
template <class T>
class ReloadingFile {
public:
    using Parser = std::function<Result<T>(const std::string& text)>;

    // Reads and parses now. Throws ConfigError naming `key` (the
    // configuration key that names the file) if either fails.
    ReloadingFile(std::string key, std::string path, Parser parse)
        : key_(std::move(key)), path_(std::move(path)), parse_(std::move(parse)) {
        identity_ = FileIdentity::of(path_);
        auto loaded = load();
        if (!loaded) {
            throw ConfigError(key_ + ": " + loaded.status().message());
        }
        current_ = std::move(loaded.value());
    }

    std::shared_ptr<const T> current() const {
        std::lock_guard lock(mutex_);
        return current_;
    }

    // Rereads the file if it changed since the last read.
    void poll() {
        auto identity = FileIdentity::of(path_);
        if (identity == identity_) {
            return;
        }
        identity_ = identity;
        auto loaded = load();
        logReload(key_, path_, loaded.status());
        if (loaded) {
            std::lock_guard lock(mutex_);
            current_ = std::move(loaded.value());
        }
    }

private:
    Result<std::shared_ptr<const T>> load() const {
        auto text = readWholeFile(path_);
        if (!text) {
            return text.status();
        }
        auto parsed = parse_(text.value());
        if (!parsed) {
            return Status::invalid("'" + path_ + "': " + parsed.status().message());
        }
        return std::shared_ptr<const T>(std::make_shared<T>(std::move(parsed.value())));
    }

    const std::string key_;
    const std::string path_;
    const Parser parse_;
    FileIdentity identity_;  // poll() only (one thread)
    mutable std::mutex mutex_;
    std::shared_ptr<const T> current_;
};

}  // namespace kiod
