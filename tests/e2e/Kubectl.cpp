#include "Kubectl.h"

#include "CStringArray.h"

#include <boost/test/unit_test.hpp>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <poll.h>
#include <spawn.h>
#include <sstream>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace kiod::test {

namespace {

using Clock = std::chrono::steady_clock;

struct Spawned {
    pid_t pid;
    int out;  // read end of stdout
    int err;  // read end of stderr (-1 when merged into a file)
};

Spawned spawn(const std::string& binary, const std::vector<std::string>& args,
              const std::vector<std::string>& env, const std::string& stdinFile, bool captureErr) {
    std::vector<std::string> argStrings = {binary};
    argStrings.insert(argStrings.end(), args.begin(), args.end());
    CStringArray argv(std::move(argStrings));
    CStringArray envp(env);

    int outPipe[2];
    int errPipe[2];
    BOOST_REQUIRE(pipe2(outPipe, O_CLOEXEC) == 0);
    BOOST_REQUIRE(pipe2(errPipe, O_CLOEXEC) == 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(
        &actions, 0, stdinFile.empty() ? "/dev/null" : stdinFile.c_str(), O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1);
    if (captureErr) {
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2);
    } else {
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    }
    pid_t pid = -1;
    int rc = posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    close(outPipe[1]);
    close(errPipe[1]);
    BOOST_REQUIRE_MESSAGE(rc == 0, "cannot start " << binary << ": " << std::strerror(rc));
    if (!captureErr) {
        close(errPipe[0]);
        errPipe[0] = -1;
    }
    return {pid, outPipe[0], errPipe[0]};
}

}  // namespace

Kubectl::Kubectl(const TempDir& dir, const std::string& serverUrl, const std::string& user)
    : dir_(dir) {
    const char* fromEnv = std::getenv("KIOD_KUBECTL");
    binary_ = fromEnv && *fromEnv ? fromEnv : "/usr/bin/kubectl";
    BOOST_REQUIRE_MESSAGE(access(binary_.c_str(), X_OK) == 0, "no kubectl at " << binary_);
    kubeconfig_ = dir.file("kubeconfig");
    dir.write("kubeconfig",
              "apiVersion: v1\n"
              "kind: Config\n"
              "clusters:\n"
              "- name: kiod\n"
              "  cluster:\n"
              "    server: " +
                  serverUrl +
                  "\n"
                  "    insecure-skip-tls-verify: true\n"
                  "contexts:\n"
                  "- name: kiod\n"
                  "  context: {cluster: kiod, user: tester}\n"
                  "current-context: kiod\n"
                  "users:\n"
                  "- name: tester\n"
                  "  user: " +
                  user + "\n");
    auto version = run({"version", "--client", "-o", "json"});
    BOOST_REQUIRE_MESSAGE(version.exitCode == 0, version.err);
    auto at = version.out.find("\"minor\"");
    BOOST_REQUIRE(at != std::string::npos);
    at = version.out.find('"', version.out.find(':', at)) + 1;
    minor_ = std::atoi(version.out.c_str() + at);
    BOOST_TEST_MESSAGE("kubectl " << binary_ << ": 1." << minor_);
}

std::vector<std::string> Kubectl::environment() const {
    std::vector<std::string> env = {"KUBECONFIG=" + kubeconfig_, "HOME=" + dir_.path(),
                                    "PATH=/usr/bin:/bin", "LANG=C"};
    return env;
}

RunResult Kubectl::run(const std::vector<std::string>& args, const std::string& input) const {
    std::string stdinFile;
    if (!input.empty()) {
        stdinFile = dir_.file("kubectl-stdin");
        dir_.write("kubectl-stdin", input);
    }
    auto child = spawn(binary_, args, environment(), stdinFile, true);
    RunResult result;
    auto deadline = Clock::now() + std::chrono::seconds(60);
    pollfd fds[2] = {{child.out, POLLIN, 0}, {child.err, POLLIN, 0}};
    int open = 2;
    char buffer[65536];
    while (open > 0) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) {
            kill(child.pid, SIGKILL);
            break;
        }
        if (poll(fds, 2, static_cast<int>(left.count())) <= 0) {
            continue;
        }
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd >= 0 && (fds[i].revents & (POLLIN | POLLHUP))) {
                auto n = read(fds[i].fd, buffer, sizeof buffer);
                if (n <= 0) {
                    close(fds[i].fd);
                    fds[i].fd = -1;
                    --open;
                } else {
                    (i == 0 ? result.out : result.err).append(buffer, static_cast<std::size_t>(n));
                }
            }
        }
    }
    int status = 0;
    waitpid(child.pid, &status, 0);
    result.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

KubectlChild::KubectlChild(const Kubectl& kubectl, const std::vector<std::string>& args) {
    auto child = spawn(kubectl.binary_, args, kubectl.environment(), "", false);
    pid_ = child.pid;
    out_ = child.out;
}

KubectlChild::~KubectlChild() {
    if (!exited_) {
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
    }
    if (out_ >= 0) {
        close(out_);
    }
}

std::optional<std::string> KubectlChild::readLine(std::chrono::milliseconds timeout) {
    auto deadline = Clock::now() + timeout;
    while (true) {
        auto newline = buffer_.find('\n');
        if (newline != std::string::npos) {
            auto line = buffer_.substr(0, newline);
            buffer_.erase(0, newline + 1);
            return line;
        }
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0 || out_ < 0) {
            return std::nullopt;
        }
        pollfd fd{out_, POLLIN, 0};
        if (poll(&fd, 1, static_cast<int>(left.count())) <= 0) {
            continue;
        }
        char chunk[4096];
        auto n = read(out_, chunk, sizeof chunk);
        if (n <= 0) {
            close(out_);
            out_ = -1;
            continue;
        }
        buffer_.append(chunk, static_cast<std::size_t>(n));
        output_.append(chunk, static_cast<std::size_t>(n));
    }
}

std::optional<int> KubectlChild::wait(std::chrono::milliseconds timeout) {
    auto deadline = Clock::now() + timeout;
    // Drain the output until it ends (kubectl exiting closes it).
    while (out_ >= 0 && Clock::now() < deadline) {
        readLine(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()));
    }
    int fd = static_cast<int>(syscall(SYS_pidfd_open, pid_, 0));
    if (fd >= 0) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        pollfd entry{fd, POLLIN, 0};
        poll(&entry, 1, static_cast<int>(std::max<long long>(0, left.count())));
        close(fd);
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) != pid_) {
        return std::nullopt;
    }
    exited_ = true;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace kiod::test
