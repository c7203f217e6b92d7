#pragma once

#include <string>

namespace kiod::catalog {

// fsync of a file's data, or of a directory's entries: what makes a rename
// durable (the file first, then its directory). False when the path cannot
// be opened or synced.
bool syncPath(const std::string& path);

// The directory holding `path` ("." for a bare file name).
std::string directoryOf(const std::string& path);

}  // namespace kiod::catalog
