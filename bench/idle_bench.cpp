// How often an idle daemon wakes: the real `sckd run` with 10 simulated sensors at 60 s and
// a 60 s keepalive, connected to a loopback mosquitto, over a window after it has settled.
// Wakeups are context switches (voluntary: it slept and was woken; nonvoluntary: it was
// preempted), summed over every thread; CPU is utime + stime of the whole process. On a Pi
// each wakeup costs power and keeps the CPU out of its deepest idle state.
//   idle_bench SCKD_BINARY [SECONDS] [--trace]   (default window 180 s after 5 s to settle)
// --trace: afterwards, a second window of the same length under strace -f -tt of the
// calls that wait and arm timers, kept in a file for a human to read what each wakeup is
// for. It is a window of its own because every traced call stops the thread for the
// tracer, which adds context switches of its own to the counts.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <thread>

#include "bench/bench_broker.h"
#include "bench/bench_process.h"

namespace {

constexpr int kSettleSeconds = 5;
constexpr int kSensors = 10;

struct Window {
  int seconds = 0;
  std::map<pid_t, bench::ThreadStats> start, end;
  double cpuStart = 0, cpuEnd = 0;
};

// Per thread alive at the end: its switches and run time in the window (all of them for a
// thread born inside it). Threads that ended inside the window are listed, uncounted.
void printThreads(const Window& w) {
  long long voluntary = 0, nonvoluntary = 0, runNs = 0;
  std::printf("  %8s %-16s %10s %12s %10s\n", "tid", "thread", "voluntary", "nonvoluntary",
              "on CPU");
  for (const auto& [tid, now] : w.end) {
    const auto before = w.start.find(tid);
    const bool born = before == w.start.end();
    const bench::ThreadStats then = born ? bench::ThreadStats{} : before->second;
    const long long v = now.voluntary - then.voluntary;
    const long long nv = now.nonvoluntary - then.nonvoluntary;
    const long long ns = now.runNs - then.runNs;
    std::printf("  %8d %-16s %10lld %12lld %7.1f ms%s\n", tid, now.name.c_str(), v, nv,
                static_cast<double>(ns) / 1e6, born ? "  (born in the window)" : "");
    voluntary += v, nonvoluntary += nv, runNs += ns;
  }
  for (const auto& [tid, then] : w.start) {
    if (w.end.count(tid) == 0) {
      std::printf("  %8d %-16s ended in the window: its switches there are not counted\n", tid,
                  then.name.c_str());
    }
  }
  const double minutes = w.seconds / 60.0;
  const double hours = w.seconds / 3600.0;
  std::printf("  wakeups: %lld in %d s (%lld voluntary, %lld preempted) = %.1f per minute\n",
              voluntary + nonvoluntary, w.seconds, voluntary, nonvoluntary,
              static_cast<double>(voluntary + nonvoluntary) / minutes);
  std::printf("  CPU: utime + stime %.2f s = %.2f s per hour (counted in clock ticks of %.0f ms)\n",
              w.cpuEnd - w.cpuStart, (w.cpuEnd - w.cpuStart) / hours,
              1000.0 / static_cast<double>(sysconf(_SC_CLK_TCK)));
  std::printf("       threads on a CPU %.1f ms = %.3f s per hour (schedstat, in ns)\n",
              static_cast<double>(runNs) / 1e6, static_cast<double>(runNs) / 1e9 / hours);
}

// Every traced call, by name, from an `strace -f -tt` file.
std::map<std::string, long> callsIn(const std::string& path) {
  std::map<std::string, long> calls;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (const std::string call = bench::straceCall(line); !call.empty()) ++calls[call];
  }
  return calls;
}

bool traceWindow(pid_t daemon, int seconds) {
  char path[] = "/tmp/sckd-idle-trace-XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) return false;
  close(fd);
  const pid_t strace = bench::attachStrace(
      daemon,
      {"-tt", "-e",
       "trace=epoll_wait,epoll_pwait,ppoll,poll,select,pselect6,timerfd_settime,clock_nanosleep,"
       "nanosleep,futex"},
      path);
  if (strace < 0) return false;
  std::printf("\n  tracing another %d s ...\n", seconds);
  std::fflush(stdout);
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  bench::detachStrace(strace);
  std::printf("  trace: %s\n  calls in it:", path);
  for (const auto& [call, count] : callsIn(path)) std::printf(" %s %ld", call.c_str(), count);
  std::printf("\n");
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::string sckd;
  int seconds = 180;
  bool trace = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--trace") {
      trace = true;
    } else if (sckd.empty()) {
      sckd = arg;
    } else {
      seconds = std::atoi(arg.c_str());
    }
  }
  if (sckd.empty() || seconds <= 0) {
    std::fprintf(stderr, "usage: idle_bench SCKD_BINARY [SECONDS] [--trace]\n");
    return 2;
  }
  bench::Broker broker;
  if (!broker.start(false)) return 1;
  bench::SimConfig config;
  config.port = broker.port();
  config.keepaliveSeconds = 60;
  config.outbox = broker.dir() + "/outbox.db";
  config.sensors = kSensors;
  config.intervalSeconds = 60;
  const std::string configPath = broker.dir() + "/sckd.yaml";
  if (!bench::writeSimConfig(configPath, config)) return 1;
  const pid_t daemon = bench::spawn({sckd, "run", "--config", configPath});
  std::this_thread::sleep_for(std::chrono::seconds(kSettleSeconds));

  Window w;
  w.seconds = seconds;
  w.start = bench::threadStats(daemon);
  w.cpuStart = bench::cpuSeconds(daemon);
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  w.end = bench::threadStats(daemon);
  w.cpuEnd = bench::cpuSeconds(daemon);
  if (waitpid(daemon, nullptr, WNOHANG) != 0 || w.start.empty() || w.cpuStart < 0) {
    std::fprintf(stderr, "idle_bench: sckd did not stay up (try: %s check --config %s)\n",
                 sckd.c_str(), configPath.c_str());
    return 1;
  }
  std::printf(
      "idle_bench: sckd run, %d sim sensors at 60 s, keepalive 60 s, plain MQTT to a"
      " loopback mosquitto; %d s window after %d s to settle\n",
      kSensors, seconds, kSettleSeconds);
  printThreads(w);
  const bool traced = !trace || traceWindow(daemon, seconds);
  bench::terminate(daemon);
  return traced ? 0 : 1;
}
