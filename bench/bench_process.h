#pragma once
// What the benchmarks read of a process they started: /proc figures and a quiet spawn.

#include <sys/types.h>

#include <string>
#include <vector>

namespace bench {

// A "Key:" line of /proc/PID/status in kB ("RssAnon:", "VmRSS:", "VmHWM:"), -1 if absent.
long statusKb(pid_t pid, const std::string& key);
// Entries of /proc/PID/fd, -1 if unreadable.
int openFds(pid_t pid);
// Size of a file in bytes, 0 if it does not exist.
long fileSize(const std::string& path);
// Forks and execs `args` (PATH searched), stdout to `out` and stderr to `out + ".err"`;
// both to /dev/null when `out` is empty.
pid_t spawn(const std::vector<std::string>& args, const std::string& out = "");

}  // namespace bench
