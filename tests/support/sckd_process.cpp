#include "tests/support/sckd_process.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <sstream>
#include <string_view>
#include <thread>

#include "tests/support/temp_dir.h"

namespace sckd::testing {

std::string SckdConfig::toYaml() const {
  std::ostringstream y;
  y << "platform:\n"
    << "  token: \"" << token << "\"\n"
    << "  host: " << host << "\n"
    << "  port: " << port << "\n"
    << "  tls: " << (tls ? "true" : "false") << "\n";
  if (!caFile.empty()) y << "  ca_file: " << caFile << "\n";
  if (keepaliveSeconds > 0) y << "  keepalive: " << keepaliveSeconds << "s\n";
  y << "publish:\n  max_messages_per_second: " << maxMessagesPerSecond << "\n";
  if (maxReadingsPerMessage > 0) {
    y << "  max_readings_per_message: " << maxReadingsPerMessage << "\n";
  }
  y << "clock:\n  require_sync: " << (requireSync ? "true" : "false") << "\n"
    << "outbox:\n  path: " << outboxPath << "\n"
    << "sensors:\n";
  for (const auto& s : sensors) {
    y << "  - driver: sim\n";
    if (!s.name.empty()) y << "    name: " << s.name << "\n";
    y << "    interval: " << s.interval << "\n"
      << "    id: " << s.id << "\n"
      << "    waveform: " << s.waveform << "\n"
      << s.extraLines;
  }
  y << extraSensors << extraTopLevel;
  return y.str();
}

std::string readingsTopic(const std::string& token) {
  return "device/sck/" + token + "/readings";
}

std::unique_ptr<SckdProcess> SckdProcess::spawn(const std::vector<std::string>& args,
                                                const std::string& logPath,
                                                const std::vector<std::string>& extraEnv,
                                                const std::vector<BindMount>& binds) {
  const char* bin = std::getenv("SCKD_BIN");
  if (bin == nullptr || *bin == '\0') {
    ADD_FAILURE() << "SCKD_BIN is not set (meson test sets it to the built sckd)";
    return nullptr;
  }
  std::vector<std::string> argv{bin};
  argv.insert(argv.end(), args.begin(), args.end());
  const std::string outPath = logPath + ".out";
  // Everything the child needs is built before fork: other threads may hold malloc's lock.
  std::vector<char*> cargv;
  for (auto& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  // Plain stderr lines, never journald's format, and no sd_notify socket.
  std::vector<char*> envp;
  auto replaced = [&](std::string_view var) {
    for (const auto& extra : extraEnv) {
      const std::string_view name = std::string_view(extra).substr(0, extra.find('=') + 1);
      if (var.starts_with(name)) return true;
    }
    return false;
  };
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string_view var(*e);
    if (var.starts_with("JOURNAL_STREAM=") || var.starts_with("NOTIFY_SOCKET=")) continue;
    if (replaced(var)) continue;
    envp.push_back(*e);
  }
  std::vector<std::string> extra = extraEnv;
  for (auto& var : extra) envp.push_back(var.data());
  envp.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive a crashed test
    // The test runner may have blocked signals; the daemon must start with a clean mask.
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    const int err = ::open(logPath.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    const int out = ::open(outPath.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    const int in = ::open("/dev/null", O_RDONLY);
    if (err < 0 || out < 0 || in < 0) ::_exit(126);
    if (!binds.empty()) {
      // Private mounts, so the bind mounts never reach the test's own namespace.
      if (::unshare(CLONE_NEWNS) != 0 ||
          ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
        ::_exit(125);
      }
      for (const BindMount& bind : binds) {
        if (::mount(bind.source.c_str(), bind.target.c_str(), nullptr, MS_BIND | MS_REC, nullptr) !=
            0) {
          ::_exit(125);
        }
      }
    }
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(err, 2);
    ::execve(cargv[0], cargv.data(), envp.data());
    ::_exit(127);
  }
  if (pid < 0) {
    ADD_FAILURE() << "fork failed";
    return nullptr;
  }
  std::unique_ptr<SckdProcess> p(new SckdProcess());
  p->pid_ = pid;
  p->logPath_ = logPath;
  return p;
}

std::unique_ptr<SckdProcess> SckdProcess::run(const std::string& configPath,
                                              const std::string& logPath) {
  return spawn({"run", "--config", configPath}, logPath);
}

SckdProcess::~SckdProcess() {
  if (running()) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
}

bool SckdProcess::running() {
  if (status_) return false;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) {
    status_ = status;
    return false;
  }
  return true;
}

void SckdProcess::kill(int signal) {
  if (running()) ::kill(pid_, signal);
}

std::optional<int> SckdProcess::waitExit(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (running()) {
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return status_;
}

std::string SckdProcess::log() const {
  return readFile(logPath_);
}
std::string SckdProcess::output() const {
  return readFile(logPath_ + ".out");
}

std::string describeStatus(int status) {
  if (WIFEXITED(status)) return "exit " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "signal " + std::to_string(WTERMSIG(status));
  return "status " + std::to_string(status);
}

}  // namespace sckd::testing
