#include "bench/bench_process.h"

#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

namespace bench {
namespace {

std::string procPath(pid_t pid, const std::string& rest) {
  return "/proc/" + std::to_string(pid) + "/" + rest;
}

// The names in a /proc directory that are numbers (tids, fds).
std::vector<pid_t> numericEntries(const std::string& path) {
  std::vector<pid_t> ids;
  DIR* dir = opendir(path.c_str());
  if (dir == nullptr) return ids;
  while (dirent* e = readdir(dir)) {
    if (e->d_name[0] >= '0' && e->d_name[0] <= '9') ids.push_back(std::atoi(e->d_name));
  }
  closedir(dir);
  return ids;
}

// The value after "Key:" in a /proc status file, as a number; -1 if absent.
long long statusField(const std::string& path, const std::string& key) {
  std::ifstream in(path);
  std::string k;
  long long value = -1;
  while (in >> k) {
    if (k == key && in >> value) return value;
    in.ignore(4096, '\n');
  }
  return -1;
}

}  // namespace

long statusKb(pid_t pid, const std::string& key) {
  return static_cast<long>(statusField(procPath(pid, "status"), key));
}

long long procIo(pid_t pid, const std::string& key) {
  return statusField(procPath(pid, "io"), key);
}

std::map<pid_t, ThreadStats> threadStats(pid_t pid) {
  std::map<pid_t, ThreadStats> threads;
  for (pid_t tid : numericEntries(procPath(pid, "task"))) {
    const std::string task = procPath(pid, "task/" + std::to_string(tid) + "/");
    ThreadStats s;
    s.voluntary = statusField(task + "status", "voluntary_ctxt_switches:");
    s.nonvoluntary = statusField(task + "status", "nonvoluntary_ctxt_switches:");
    std::ifstream(task + "schedstat") >> s.runNs;
    std::ifstream(task + "comm") >> s.name;
    // A thread that ended between the listing and the read is left out, not counted as 0.
    if (s.voluntary >= 0 && s.nonvoluntary >= 0) threads[tid] = s;
  }
  return threads;
}

double cpuSeconds(pid_t pid) {
  std::ifstream in(procPath(pid, "stat"));
  std::string text((std::istreambuf_iterator<char>(in)), {});
  // The command name, in parentheses, may hold spaces: count fields from its end.
  const auto close = text.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream fields(text.substr(close + 2));
  // Past the name come fields 3 (state) to 13, then utime and stime, 14 and 15 of proc(5).
  std::string skipped;
  for (int field = 3; field < 14; ++field) fields >> skipped;
  unsigned long long utime = 0, stime = 0;
  if (!(fields >> utime >> stime)) return -1;
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

int openFds(pid_t pid) {
  DIR* dir = opendir(procPath(pid, "fd").c_str());
  if (dir == nullptr) return -1;
  int n = 0;
  while (dirent* e = readdir(dir)) n += e->d_name[0] != '.';
  closedir(dir);
  return n;
}

long fileSize(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<long>(st.st_size) : 0;
}

pid_t spawn(const std::vector<std::string>& args, const SpawnOptions& options) {
  // Else the child's freopen flushes a copy of what the parent has buffered.
  std::fflush(nullptr);
  pid_t pid = fork();
  if (pid == 0) {
    const std::string stdoutPath = options.out.empty() ? "/dev/null" : options.out;
    const std::string stderrPath = options.out.empty() ? "/dev/null" : options.out + ".err";
    if (!options.keepOutput) {
      if (std::freopen(stdoutPath.c_str(), "w", stdout) == nullptr) _exit(127);
      if (std::freopen(stderrPath.c_str(), "w", stderr) == nullptr) _exit(127);
    }
    if (!options.in.empty() && std::freopen(options.in.c_str(), "r", stdin) == nullptr) _exit(127);
    // The strings live in this copy of the parent's memory until exec replaces it.
    for (const auto& e : options.env) putenv(const_cast<char*>(e.c_str()));
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execvp(argv[0], argv.data());
    _exit(127);
  }
  return pid;
}

pid_t spawn(const std::vector<std::string>& args, const std::string& out) {
  SpawnOptions options;
  options.out = out;
  return spawn(args, options);
}

int terminate(pid_t pid) {
  kill(pid, SIGTERM);
  int status = 0;
  return waitpid(pid, &status, 0) == pid ? status : -1;
}

pid_t attachStrace(pid_t pid, const std::vector<std::string>& flags, const std::string& out) {
  std::vector<std::string> args{"strace", "-f", "-qq", "-o", out};
  args.insert(args.end(), flags.begin(), flags.end());
  args.push_back("-p");
  args.push_back(std::to_string(pid));
  // Quiet (-qq) when all is well; why it could not attach goes to our stderr.
  SpawnOptions options;
  options.keepOutput = true;
  const pid_t strace = spawn(args, options);
  // Attached when every thread names strace as its tracer.
  for (int i = 0; i < 200; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    int status = 0;
    if (waitpid(strace, &status, WNOHANG) == strace) {
      const bool missing = WIFEXITED(status) && WEXITSTATUS(status) == 127;
      std::fprintf(stderr, "bench: strace %s without attaching to %d\n",
                   missing ? "not found (apt-get install strace)" : "exited", pid);
      return -1;
    }
    const std::vector<pid_t> tids = numericEntries(procPath(pid, "task"));
    bool all = !tids.empty();
    for (pid_t tid : tids) {
      all = all && statusField(procPath(pid, "task/" + std::to_string(tid) + "/status"),
                               "TracerPid:") == strace;
    }
    if (all) return strace;
  }
  std::fprintf(stderr, "bench: strace did not attach to every thread of %d in 2 s\n", pid);
  terminate(strace);
  return -1;
}

void detachStrace(pid_t strace) {
  kill(strace, SIGINT);
  waitpid(strace, nullptr, 0);
}

std::string straceCall(const std::string& line) {
  if (line.find("resumed>") != std::string::npos) return "";
  // "[tid] [time] call(": the call is the word that runs into the first parenthesis.
  const auto paren = line.find('(');
  if (paren == std::string::npos) return "";
  const auto space = line.rfind(' ', paren);
  const auto start = space == std::string::npos ? 0 : space + 1;
  const std::string call = line.substr(start, paren - start);
  const bool word =
      !call.empty() &&
      call.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") == std::string::npos;
  return word ? call : "";
}

bool writeSimConfig(const std::string& path, const SimConfig& c) {
  std::ofstream out(path);
  out << "platform:\n  token: " << c.token << "\n  host: 127.0.0.1\n  port: " << c.port
      << "\n  tls: false\n  keepalive: " << c.keepaliveSeconds << "s\n"
      << "clock:\n  require_sync: false\n"
      << "outbox:\n  path: " << c.outbox << "\nsensors:\n";
  for (int i = 0; i < c.sensors; ++i) {
    out << "  - driver: sim\n    name: sim" << i
        << "\n    waveform: sine\n    interval: " << c.intervalSeconds << "s\n    id: " << 1000 + i
        << "\n";
  }
  out.close();
  if (!out) std::fprintf(stderr, "bench: cannot write %s\n", path.c_str());
  return static_cast<bool>(out);
}

}  // namespace bench
