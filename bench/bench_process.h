#pragma once
// What the benchmarks read of a process they started: /proc figures, a quiet spawn, a
// tracer attached for a window, and the config file of an `sckd run` with simulated sensors.

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

namespace bench {

// A "Key:" line of /proc/PID/status in kB ("RssAnon:", "VmRSS:", "VmHWM:"), -1 if absent.
long statusKb(pid_t pid, const std::string& key);
// A "key:" line of /proc/PID/io ("write_bytes:", "wchar:"), for every thread of the
// process together; -1 if unreadable (it needs the process's user or root).
long long procIo(pid_t pid, const std::string& key);
// One thread's context switches (/proc/PID/task/TID/status) and time on a CPU (schedstat).
struct ThreadStats {
  long long voluntary = 0;     // it slept: a wait on the loop, a lock, a sync
  long long nonvoluntary = 0;  // it was preempted
  long long runNs = 0;         // on a CPU, in ns (utime and stime count in clock ticks)
  std::string name;            // its comm, to tell a human which thread it is
};
// Every thread of `pid` alive at the call, by tid (threads come and go: the caller
// compares two calls tid by tid).
std::map<pid_t, ThreadStats> threadStats(pid_t pid);
// utime + stime of the whole process, threads ended included, in seconds; -1 if unreadable.
double cpuSeconds(pid_t pid);
// Entries of /proc/PID/fd, -1 if unreadable.
int openFds(pid_t pid);
// Size of a file in bytes, 0 if it does not exist.
long fileSize(const std::string& path);

struct SpawnOptions {
  std::string out;               // stdout here, stderr to out + ".err"; "": both to /dev/null
  std::string in;                // stdin from this file; "": inherited
  std::vector<std::string> env;  // "NAME=value" added to the child's environment
  bool keepOutput = false;       // stdout and stderr stay ours (`out` unused)
};
// Forks and execs `args` (PATH searched).
pid_t spawn(const std::vector<std::string>& args, const SpawnOptions& options);
pid_t spawn(const std::vector<std::string>& args, const std::string& out = "");
// SIGTERM, then waits for it; returns the wait status (-1 if it was not ours).
int terminate(pid_t pid);

// Starts `strace -f -qq -o out FLAGS -p pid` and returns once it has attached to every
// thread, so a window measured from then on is traced whole. -1 (printed) on failure.
pid_t attachStrace(pid_t pid, const std::vector<std::string>& flags, const std::string& out);
// SIGINT: strace lets go of the threads (they run on untouched) and closes its file.
void detachStrace(pid_t strace);
// The call a line of strace's file is about ("fdatasync" for "123  fdatasync(8</x>) = 0"),
// "" for a line that starts no call: "<... resumed>", "+++ exited", "--- SIGxxx". A call
// split by another thread's line ("<unfinished ...>", then "resumed") is named once.
std::string straceCall(const std::string& line);

// The config of an `sckd run` with simulated sensors, plain MQTT to a broker on 127.0.0.1.
struct SimConfig {
  std::string token = "bench1";
  int port = 1883;
  int keepaliveSeconds = 60;
  std::string outbox;  // outbox.path
  int sensors = 1;
  int intervalSeconds = 60;
};
// Writes it to `path`; false (printed) on failure.
bool writeSimConfig(const std::string& path, const SimConfig& config);

}  // namespace bench
