#pragma once

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace kiod::test {

// A directory of its own under /tmp for one test, removed with all it holds
// when the test is done.
struct ScratchDirectory {
    ScratchDirectory() {
        char pattern[] = "/tmp/kiod-test-XXXXXX";
        if (!mkdtemp(pattern)) {
            throw std::runtime_error("cannot create a directory under /tmp");
        }
        path = pattern;
    }
    ~ScratchDirectory() { std::filesystem::remove_all(path); }
    ScratchDirectory(const ScratchDirectory&) = delete;
    ScratchDirectory& operator=(const ScratchDirectory&) = delete;

    std::string path;
};

}  // namespace kiod::test
