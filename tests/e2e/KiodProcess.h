#pragma once

#include <chrono>
#include <map>
#include <string>
#include <sys/types.h>
#include <vector>

namespace kiod::test {

// A temporary directory, removed with everything in it.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::string& path() const { return path_; }
    std::string file(const std::string& name) const { return path_ + "/" + name; }
    void write(const std::string& name, const std::string& text) const;

private:
    std::string path_;
};

// The configuration most tests start from: the given modules, the built
// module directories, data under `dir`, and listeners api and metrics on
// free ports (port 0; the bound ports come back through READY).
std::string baseConfig(const TempDir& dir, const std::string& modules = "metrics");

struct RunResult {
    int exitCode = -1;
    std::string out;
    std::string err;
};

// Runs the built kiod to completion (it must exit by itself within 20 s).
RunResult runKiod(const std::vector<std::string>& args);
// The same for another program (kiodctl).
RunResult runProgram(const std::string& binary, const std::vector<std::string>& args);

// The built kiod running in the background, started with NOTIFY_SOCKET set
// so that the test learns, without sleeping, when it is ready and on which
// ports (the STATUS line), and when it begins to stop. Killed with SIGKILL
// if the test ends with it still running.
class KiodProcess {
public:
    // What the constructor waits for: kiod ready (READY=1), or only its
    // listeners open while its modules initialize (STATUS=starting).
    enum class Until { kReady, kListening };

    // Starts kiod with `--config dir/kiod.ini` (written from `config`) and
    // `args`, and waits as `until` says. Fails the test with kiod's stderr
    // if it exits instead or does not get there within 20 s.
    KiodProcess(const TempDir& dir, const std::string& config,
                const std::vector<std::string>& args = {}, Until until = Until::kReady);
    ~KiodProcess();
    KiodProcess(const KiodProcess&) = delete;
    KiodProcess& operator=(const KiodProcess&) = delete;

    // `http://127.0.0.1:PORT` of a listener, from the READY status.
    std::string url(const std::string& listener) const;

    pid_t pid() const { return pid_; }
    void signal(int signal) const;
    // Waits for a notify message that contains `text` (e.g. STOPPING=1).
    bool waitForNotify(const std::string& text, std::chrono::milliseconds timeout);
    // The same, returning that message: from the start-up ones if one
    // there has it (a report sent before READY), else the next to come;
    // empty after `timeout`.
    std::string notification(const std::string& text, std::chrono::milliseconds timeout);
    // Waits for the process to exit; its exit code, or -1 on timeout.
    int waitExit(std::chrono::milliseconds timeout);
    std::string stderrText() const;
    // Waits until kiod's standard error contains `text`; false after `timeout`.
    bool waitForLog(const std::string& text, std::chrono::milliseconds timeout) const;
    // Every notify message received up to READY=1, in order (STATUS= lines
    // carry the modules' progress reports).
    const std::vector<std::string>& startupNotifications() const { return startup_; }

private:
    std::string receiveNotify(std::chrono::milliseconds timeout);

    const TempDir& dir_;
    pid_t pid_ = -1;
    int pidfd_ = -1;
    int notifyFd_ = -1;
    bool exited_ = false;
    int exitCode_ = -1;
    std::map<std::string, std::string> urls_;
    std::vector<std::string> startup_;
};

}  // namespace kiod::test
