#pragma once

#include <string>

namespace kiod::catalog {

// The SHA-256 of a file's bytes, in lower-case hex as sha256sum prints it:
// what a backup's NAME.sha256 holds. Reads the file in 1 MiB pieces.
std::string sha256OfFile(const std::string& path);

}  // namespace kiod::catalog
