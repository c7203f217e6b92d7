#pragma once

#include <string>

namespace kiod {

// Why the private key file at `path` is exposed to more than the user it
// belongs to, or empty when it is not (or cannot be looked at: reading it
// fails later with its own message). Group and others may not access a key
// (0600 or stricter), except that a key owned by root may be readable by
// its group (0640): that is how Kubernetes mounts a Secret for a non-root
// pod with fsGroup, and what PostgreSQL allows for its ssl_key_file.
std::string keyFileExposure(const std::string& path);

}  // namespace kiod
