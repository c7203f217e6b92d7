#pragma once

#include "Passkey.h"
#include "PasskeySpec.h"

#include <kiod/Status.h>

#include <string>

namespace kiod::crypto {

// Where passkeys created through the API are read from: `[crypto]
// passkey.source_dir`, holding Secrets as Kubernetes mounts a Secret volume
// (NAMESPACE/NAME/KEY, each key a file). kiod has no Kubernetes client; in a
// cluster the Secrets are mounted there, elsewhere an operator writes the
// files. Read once, when a passkey is created: the secret is never stored
// in the passkey object, and the file may go afterwards.
class PasskeySourceDirectory {
public:
    // `directory` is absolute, or empty when none is configured.
    explicit PasskeySourceDirectory(std::string directory = {})
        : directory_(std::move(directory)) {}

    // The passkey `spec` refers to (a secret or key file reference). Every
    // failure is Invalid, its message starting with the spec's field
    // (`spec.secret: ...`) and naming the file relative to the directory,
    // never its content: no directory configured (naming the key); a file
    // that is missing, unreadable, empty, too large or (key files) not 32
    // bytes; a path that leaves the directory through a symbolic link. The
    // links inside it are followed, as a Secret volume's `..data` needs.
    Result<Passkey> read(const PasskeySpec& spec) const;

private:
    std::string directory_;
};

}  // namespace kiod::crypto
