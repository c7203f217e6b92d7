#include "Passkey.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace kiod::crypto {

namespace {

Status wrongKeyFileSize(const std::string& what, std::uint64_t size) {
    return Status::invalid(what + " must hold exactly " + std::to_string(Passkey::kKeyFileSize) +
                           " bytes (a random 256-bit key), not " + std::to_string(size));
}

// Closes the descriptor on every path out of readKeyFile.
struct FileDescriptor {
    int fd;
    ~FileDescriptor() {
        if (fd >= 0) {
            ::close(fd);
        }
    }
};

}  // namespace

Result<Passkey> Passkey::passphrase(std::string_view passphrase) {
    if (passphrase.empty()) {
        return Status::invalid("a passphrase passkey needs a non-empty passphrase");
    }
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(passphrase.data());
    return Passkey(PasskeyKind::kPassphrase, SecretBytes::copyOf({bytes, passphrase.size()}));
}

Result<Passkey> Passkey::keyFile(SecretBytes content) {
    if (content.size() != kKeyFileSize) {
        return wrongKeyFileSize("a key file", content.size());
    }
    return Passkey(PasskeyKind::kKeyFile, std::move(content));
}

Result<Passkey> Passkey::readKeyFile(const std::string& path, const std::string& what) {
    FileDescriptor file{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
    struct stat info {};
    if (file.fd < 0 || ::fstat(file.fd, &info) != 0) {
        return Status::unavailable(what + ": " + std::strerror(errno));
    }
    // The size is checked before reading, so a wrong file (a passphrase
    // file, a PEM key) is refused without its bytes entering memory.
    if (!S_ISREG(info.st_mode)) {
        return Status::invalid(what + " is not a regular file");
    }
    if (static_cast<std::uint64_t>(info.st_size) != kKeyFileSize) {
        return wrongKeyFileSize(what, static_cast<std::uint64_t>(info.st_size));
    }
    SecretBytes content(kKeyFileSize);
    std::size_t filled = 0;
    while (filled < kKeyFileSize) {
        ssize_t got = ::read(file.fd, content.data() + filled, kKeyFileSize - filled);
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got < 0) {
            return Status::unavailable(what + ": " + std::strerror(errno));
        }
        if (got == 0) {  // shrank since fstat
            return wrongKeyFileSize(what, filled);
        }
        filled += static_cast<std::size_t>(got);
    }
    return Passkey(PasskeyKind::kKeyFile, std::move(content));
}

}  // namespace kiod::crypto
