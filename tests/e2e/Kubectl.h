#pragma once

#include "KiodProcess.h"

#include <chrono>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace kiod::test {

// A kubectl pointed at a kiod listener: its own kubeconfig (the listener's
// HTTPS address, insecure-skip-tls-verify) and its own HOME, so discovery
// caches never leak between tests. The binary is $KIOD_KUBECTL, else
// /usr/bin/kubectl; the suite runs once per client version.
class Kubectl {
public:
    // `user` is the kubeconfig's user entry: a token, or
    // `{client-certificate: FILE, client-key: FILE}`.
    Kubectl(const TempDir& dir, const std::string& serverUrl,
            const std::string& user = "{token: kiod-e2e}");

    // The client's minor version (32 for 1.32), from `kubectl version --client`.
    int minor() const { return minor_; }
    const std::string& binary() const { return binary_; }

    // Runs kubectl with `args` to completion (within 60 s); `input` goes to
    // its stdin (for `-f -`).
    RunResult run(const std::vector<std::string>& args, const std::string& input = "") const;

private:
    friend class KubectlChild;
    std::vector<std::string> environment() const;

    const TempDir& dir_;
    std::string binary_;
    std::string kubeconfig_;
    int minor_ = 0;
};

// kubectl running in the background (get -w, wait), its stdout read line by
// line. Killed when destroyed.
class KubectlChild {
public:
    KubectlChild(const Kubectl& kubectl, const std::vector<std::string>& args);
    ~KubectlChild();
    KubectlChild(const KubectlChild&) = delete;
    KubectlChild& operator=(const KubectlChild&) = delete;

    // The next line of output, or nullopt when none came within `timeout`
    // or the output ended.
    std::optional<std::string> readLine(std::chrono::milliseconds timeout);
    // Waits for kubectl to exit: its exit code, or nullopt on timeout.
    std::optional<int> wait(std::chrono::milliseconds timeout);
    // Everything it printed so far (after readLine or wait).
    std::string output() const { return output_; }

private:
    pid_t pid_ = -1;
    int out_ = -1;
    bool exited_ = false;
    std::string buffer_;
    std::string output_;
};

}  // namespace kiod::test
