#include "bench/bench_process.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

namespace bench {

long statusKb(pid_t pid, const std::string& key) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string k, unit;
  long value = -1;
  while (in >> k) {
    if (k == key && in >> value >> unit) return value;
    in.ignore(4096, '\n');
  }
  return -1;
}

int openFds(pid_t pid) {
  DIR* dir = opendir(("/proc/" + std::to_string(pid) + "/fd").c_str());
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

pid_t spawn(const std::vector<std::string>& args, const std::string& out) {
  pid_t pid = fork();
  if (pid == 0) {
    const std::string stdoutPath = out.empty() ? "/dev/null" : out;
    const std::string stderrPath = out.empty() ? "/dev/null" : out + ".err";
    if (std::freopen(stdoutPath.c_str(), "w", stdout) == nullptr) _exit(127);
    if (std::freopen(stderrPath.c_str(), "w", stderr) == nullptr) _exit(127);
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execvp(argv[0], argv.data());
    _exit(127);
  }
  return pid;
}

}  // namespace bench
