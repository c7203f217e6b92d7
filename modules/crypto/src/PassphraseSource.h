#pragma once

#include "Passkey.h"

#include <kiod/Status.h>

#include <string>

namespace kiod {
class ConfigSection;
}

namespace kiod::crypto {

// Where the passphrase that unlocks the primary key at start-up comes from:
// `[crypto] passphrase_file`, `passphrase_env` or `credential` (a systemd
// credential, $CREDENTIALS_DIRECTORY/NAME), at most one. The passphrase is
// read at unlock, not at configure: a file that is missing then leaves the
// module locked (not ready), it does not stop kiod.
class PassphraseSource {
public:
    // Reads the three keys; ConfigError naming the second when more than
    // one is set. None set is valid: the module starts locked.
    static PassphraseSource configure(ConfigSection& section);

    // The passphrase as a Passkey. Unavailable with a message naming the
    // source (never the passphrase) when none is configured or it cannot be
    // read; Invalid when it is empty. A file's (or credential's) one
    // trailing newline is not part of the passphrase: `echo secret > file`
    // is the usual way to write one.
    Result<Passkey> read() const;

    // A passphrase file, by the rules above: at most 4096 bytes, one
    // trailing newline dropped, not empty. Messages name the file as `what`
    // says, never its content. Passkeys added through the API read theirs
    // with it too, so that a file unlocks at start-up exactly when it was
    // accepted as a passkey.
    static Result<Passkey> readFile(const std::string& path, const std::string& what);

private:
    enum class Kind { kNone, kFile, kEnvironment, kCredential };

    Kind kind_ = Kind::kNone;
    std::string value_;  // the path, variable or credential name
};

}  // namespace kiod::crypto
