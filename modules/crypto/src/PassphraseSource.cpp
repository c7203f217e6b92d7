#include "PassphraseSource.h"

#include <kiod/ConfigSection.h>
#include <kiod/Errors.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <string_view>
#include <sys/stat.h>
#include <unistd.h>

namespace kiod::crypto {

namespace {

// A passphrase file larger than this is a misconfiguration (a key file, a
// log), not a passphrase; refusing it keeps the secure heap small.
constexpr std::size_t kMaxPassphraseFile = 4096;

std::string_view withoutTrailingNewline(std::string_view text) {
    if (!text.empty() && text.back() == '\n') {
        text.remove_suffix(1);
        if (!text.empty() && text.back() == '\r') {
            text.remove_suffix(1);
        }
    }
    return text;
}

}  // namespace

PassphraseSource PassphraseSource::configure(ConfigSection& section) {
    PassphraseSource source;
    for (auto [key, kind] : {std::pair{"passphrase_file", Kind::kFile},
                             std::pair{"passphrase_env", Kind::kEnvironment},
                             std::pair{"credential", Kind::kCredential}}) {
        auto value = section.getString(key, "");
        if (value.empty()) {
            continue;
        }
        if (source.kind_ != Kind::kNone) {
            throw ConfigError(section.fullKey(key) +
                              ": only one of passphrase_file, passphrase_env and credential "
                              "may be set");
        }
        source.kind_ = kind;
        source.value_ = value;
    }
    if (source.kind_ == Kind::kCredential && source.value_.find('/') != std::string::npos) {
        throw ConfigError(section.fullKey("credential") + ": '" + source.value_ +
                          "' must be a credential name, not a path");
    }
    return source;
}

Result<Passkey> PassphraseSource::read() const {
    switch (kind_) {
        case Kind::kNone:
            return Status::unavailable(
                "no passphrase source configured ([crypto] passphrase_file, passphrase_env or "
                "credential)");
        case Kind::kFile:
            return readFile(value_, "crypto.passphrase_file '" + value_ + "'");
        case Kind::kEnvironment: {
            const char* value = std::getenv(value_.c_str());
            if (value == nullptr) {
                return Status::unavailable("crypto.passphrase_env: the environment variable " +
                                           value_ + " is not set");
            }
            return Passkey::passphrase(value);
        }
        case Kind::kCredential: {
            const char* directory = std::getenv("CREDENTIALS_DIRECTORY");
            if (directory == nullptr || *directory == '\0') {
                return Status::unavailable("crypto.credential '" + value_ +
                                           "': $CREDENTIALS_DIRECTORY is not set (is kiod run by "
                                           "systemd with LoadCredential=?)");
            }
            return readFile(std::string(directory) + "/" + value_,
                            "crypto.credential '" + value_ + "'");
        }
    }
    return Status::internal("passphrase source: unknown kind");
}

Result<Passkey> PassphraseSource::readFile(const std::string& path, const std::string& what) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return Status::unavailable("cannot read " + what + ": " + std::strerror(errno));
    }
    // Read straight into SecretBytes, so that no stream buffer keeps a copy
    // of the passphrase.
    SecretBytes buffer(kMaxPassphraseFile + 1);
    std::size_t size = 0;
    while (size < buffer.size()) {
        auto got = ::read(fd, buffer.data() + size, buffer.size() - size);
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got < 0) {
            int error = errno;
            ::close(fd);
            return Status::unavailable("cannot read " + what + ": " + std::strerror(error));
        }
        if (got == 0) {
            break;
        }
        size += static_cast<std::size_t>(got);
    }
    ::close(fd);
    if (size > kMaxPassphraseFile) {
        return Status::invalid(what + " is larger than " + std::to_string(kMaxPassphraseFile) +
                               " bytes: not a passphrase");
    }
    auto passphrase = withoutTrailingNewline(
        std::string_view(reinterpret_cast<const char*>(buffer.data()), size));
    auto passkey = Passkey::passphrase(passphrase);
    if (!passkey) {
        return Status::invalid(what + " is empty");
    }
    return passkey;
}

}  // namespace kiod::crypto
