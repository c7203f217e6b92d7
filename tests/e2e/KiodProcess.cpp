#include "KiodProcess.h"

#include "CStringArray.h"

#include <boost/test/unit_test.hpp>

#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <poll.h>
#include <spawn.h>
#include <sstream>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace kiod::test {

namespace {

std::string readFile(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

int decodeStatus(int status) {
    if (WIFEXITED(status)) {
        return WEXITSTATUS(status);
    }
    return 128 + WTERMSIG(status);
}

// Starts `binary` with stdout and stderr going to files and the given
// extra environment; returns its pid.
pid_t spawnProgram(const std::string& binary, const std::vector<std::string>& args,
                   const std::string& outFile, const std::string& errFile,
                   const std::vector<std::string>& extraEnv) {
    std::vector<std::string> argStrings = {binary};
    argStrings.insert(argStrings.end(), args.begin(), args.end());
    CStringArray argv(std::move(argStrings));

    std::vector<std::string> envStrings = extraEnv;
    for (char** e = environ; *e; ++e) {
        if (std::strncmp(*e, "NOTIFY_SOCKET=", 14) != 0) {
            envStrings.emplace_back(*e);
        }
    }
    CStringArray envp(std::move(envStrings));

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, outFile.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
    posix_spawn_file_actions_addopen(&actions, 2, errFile.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
    pid_t pid = -1;
    int rc = posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    BOOST_REQUIRE_MESSAGE(rc == 0, "cannot start " << KIOD_BINARY << ": " << std::strerror(rc));
    return pid;
}

// A descriptor that polls readable once the process exits. Through
// syscall(): glibc 2.36's <sys/pidfd.h> lacks extern "C" for C++.
int openPidfd(pid_t pid) {
    int fd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
    BOOST_REQUIRE_MESSAGE(fd >= 0, "pidfd_open: " << std::strerror(errno));
    return fd;
}

bool waitReadable(int fd, std::chrono::milliseconds timeout) {
    pollfd entry{fd, POLLIN, 0};
    return poll(&entry, 1, static_cast<int>(timeout.count())) > 0;
}

}  // namespace

TempDir::TempDir() {
    char pattern[] = "/tmp/kiod-test-XXXXXX";
    BOOST_REQUIRE(mkdtemp(pattern));
    path_ = pattern;
}

TempDir::~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
}

void TempDir::write(const std::string& name, const std::string& text) const {
    std::ofstream(file(name)) << text;
}

std::string baseConfig(const TempDir& dir, const std::string& modules) {
    return "[kiod]\n"
           "modules = " +
           modules +
           "\n"
           "module_path = " KIOD_MODULE_DIR ":" KIOD_TEST_MODULE_DIR
           "\n"
           "data_dir = " +
           dir.file("var") +
           "\n"
           "shutdown_grace = 10s\n"
           "[listener.api]\n"
           "address = 127.0.0.1:0\n"
           "threads = 16\n"
           "auth.open = true\n"
           "[listener.metrics]\n"
           "address = 127.0.0.1:0\n"
           "threads = 4\n"
           "auth.open = true\n";
}

RunResult runKiod(const std::vector<std::string>& args) {
    return runProgram(KIOD_BINARY, args);
}

RunResult runProgram(const std::string& binary, const std::vector<std::string>& args) {
    TempDir dir;
    pid_t pid = spawnProgram(binary, args, dir.file("out"), dir.file("err"), {});
    int pidfd = openPidfd(pid);
    bool exited = waitReadable(pidfd, std::chrono::seconds(20));
    close(pidfd);
    if (!exited) {
        kill(pid, SIGKILL);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    BOOST_REQUIRE_MESSAGE(exited, binary << " did not exit within 20 s");
    return {decodeStatus(status), readFile(dir.file("out")), readFile(dir.file("err"))};
}

KiodProcess::KiodProcess(const TempDir& dir, const std::string& config,
                         const std::vector<std::string>& args, Until until)
    : dir_(dir) {
    dir_.write("kiod.ini", config);
    std::string socketPath = dir_.file("notify.sock");
    unlink(socketPath.c_str());  // left by an earlier kiod in the same directory
    notifyFd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, socketPath.c_str(), sizeof(address.sun_path) - 1);
    BOOST_REQUIRE(bind(notifyFd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);

    std::vector<std::string> allArgs = {"--config", dir_.file("kiod.ini")};
    allArgs.insert(allArgs.end(), args.begin(), args.end());
    pid_ = spawnProgram(KIOD_BINARY, allArgs, dir_.file("kiod.out"), dir_.file("kiod.err"),
                        {"NOTIFY_SOCKET=" + socketPath});
    pidfd_ = openPidfd(pid_);

    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    std::string message;
    const std::string awaited = until == Until::kReady ? "READY=1" : "STATUS=starting";
    while (message.find(awaited) == std::string::npos) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        BOOST_REQUIRE_MESSAGE(left.count() > 0, "kiod not ready within 20 s:\n" << stderrText());
        message = receiveNotify(left);
        if (!message.empty()) {
            startup_.push_back(message);
        }
        BOOST_REQUIRE_MESSAGE(!exited_, "kiod exited with " << exitCode_
                                                            << " before it was ready:\n"
                                                            << stderrText());
    }
    // STATUS=listening (or starting) api=http://127.0.0.1:41234 metrics=http://...
    auto status = message.substr(message.find("STATUS="));
    status = status.substr(status.find(' ') + 1);
    std::istringstream words(status.substr(0, status.find('\n')));
    for (std::string word; words >> word;) {
        auto eq = word.find('=');
        urls_[word.substr(0, eq)] = word.substr(eq + 1);
    }
}

KiodProcess::~KiodProcess() {
    if (!exited_) {
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
    }
    close(pidfd_);
    close(notifyFd_);
}

std::string KiodProcess::url(const std::string& listener) const {
    auto it = urls_.find(listener);
    BOOST_REQUIRE_MESSAGE(it != urls_.end(), "no listener " << listener << " in kiod's status");
    return it->second;
}

void KiodProcess::signal(int signal) const {
    kill(pid_, signal);
}

std::string KiodProcess::receiveNotify(std::chrono::milliseconds timeout) {
    pollfd entries[2] = {{notifyFd_, POLLIN, 0}, {pidfd_, POLLIN, 0}};
    if (poll(entries, 2, static_cast<int>(timeout.count())) <= 0) {
        return {};
    }
    if (entries[0].revents & POLLIN) {
        char buffer[4096];
        auto n = recv(notifyFd_, buffer, sizeof buffer, 0);
        return n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : std::string();
    }
    waitExit(std::chrono::milliseconds(0));
    return {};
}

bool KiodProcess::waitForNotify(const std::string& text, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline && !exited_) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (receiveNotify(left).find(text) != std::string::npos) {
            return true;
        }
    }
    return false;
}

std::string KiodProcess::notification(const std::string& text, std::chrono::milliseconds timeout) {
    for (const auto& message : startup_) {
        if (message.find(text) != std::string::npos) {
            return message;
        }
    }
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline && !exited_) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (auto message = receiveNotify(left); message.find(text) != std::string::npos) {
            return message;
        }
    }
    return {};
}

int KiodProcess::waitExit(std::chrono::milliseconds timeout) {
    if (!exited_ && waitReadable(pidfd_, timeout)) {
        int status = 0;
        waitpid(pid_, &status, 0);
        exited_ = true;
        exitCode_ = decodeStatus(status);
    }
    return exited_ ? exitCode_ : -1;
}

bool KiodProcess::waitForLog(const std::string& text, std::chrono::milliseconds timeout) const {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (stderrText().find(text) == std::string::npos) {
        if (std::chrono::steady_clock::now() >= deadline) {
            return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
}

std::string KiodProcess::stderrText() const {
    return readFile(dir_.file("kiod.err"));
}

}  // namespace kiod::test
