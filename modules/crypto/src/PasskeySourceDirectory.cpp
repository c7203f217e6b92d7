#include "PasskeySourceDirectory.h"

#include "PassphraseSource.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

namespace fs = std::filesystem;

namespace kiod::crypto {

namespace {

constexpr const char* kKey = "crypto.passkey.source_dir";

}  // namespace

Result<Passkey> PasskeySourceDirectory::read(const PasskeySpec& spec) const {
    auto field = spec.field() + ": ";
    if (directory_.empty()) {
        return Status::invalid(field + "passkeys are read from files under " + kKey +
                               ", which is not set");
    }
    std::error_code error;
    auto base = fs::canonical(directory_, error);
    if (error) {
        return Status::invalid(field + kKey + " '" + directory_ + "': " + error.message());
    }
    auto what = spec.relativePath() + " under " + kKey;
    // The names were checked (no '/', no "..") so that the path itself stays
    // inside; a symbolic link could still lead out, to a file the API's
    // clients were never meant to name: resolved and checked here.
    auto path = fs::canonical(base / spec.relativePath(), error);
    if (error) {
        return Status::invalid(field + "cannot read " + what + ": " + error.message());
    }
    auto [inBase, inPath] = std::mismatch(base.begin(), base.end(), path.begin(), path.end());
    if (inBase != base.end() || inPath == path.end()) {
        return Status::invalid(field + what + " leads outside that directory");
    }
    auto passkey = spec.kind() == PasskeyKind::kKeyFile
                       ? Passkey::readKeyFile(path.string(), what)
                       : PassphraseSource::readFile(path.string(), what);
    if (!passkey) {
        return Status::invalid(field + passkey.status().message());
    }
    return passkey;
}

}  // namespace kiod::crypto
