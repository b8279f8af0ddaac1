// Soak: sckd with 20 simulated sensors at 1 s for 10 minutes while the broker goes away
// and comes back every 30 s. Samples sckd's memory, open fds and outbox size every 10 s;
// at the end, with the broker up, waits for the queue to drain and prints whether each
// stayed flat (last minute against the first minute) and how many readings arrived.
//   soak_bench SCKD_BINARY [MINUTES] [SENSORS]   (defaults: 10 minutes, 20 sensors)
#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_broker.h"
#include "bench/bench_process.h"

namespace {

struct Sample {
  int second = 0;
  long rssAnonKb = -1;
  long vmRssKb = -1;
  int fds = -1;
  long outboxBytes = 0;
  bool brokerUp = false;
};

// `sckd status --json` as text (its "queued" and "delivered" are read by hand).
long statusField(const std::string& sckd, const std::string& config, const std::string& dir,
                 const std::string& field) {
  const std::string out = dir + "/status.json";
  pid_t pid = bench::spawn({sckd, "status", "--json", "--config", config}, out);
  waitpid(pid, nullptr, 0);
  std::ifstream in(out);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  const auto at = text.find("\"" + field + "\":");
  return at == std::string::npos ? -1 : std::atol(text.c_str() + at + field.size() + 3);
}

double average(const std::vector<Sample>& samples, int from, int to, long Sample::*field) {
  double sum = 0;
  int n = 0;
  for (const auto& s : samples) {
    if (s.second >= from && s.second < to) sum += static_cast<double>(s.*field), ++n;
  }
  return n > 0 ? sum / n : 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: soak_bench SCKD_BINARY [MINUTES] [SENSORS]\n");
    return 2;
  }
  const std::string sckd = argv[1];
  const int minutes = argc > 2 ? std::atoi(argv[2]) : 10;
  const int sensors = argc > 3 ? std::atoi(argv[3]) : 20;
  bench::Broker broker;
  if (!broker.start(false)) return 1;
  const std::string config = broker.dir() + "/sckd.yaml";
  const std::string outbox = broker.dir() + "/outbox.db";
  {
    std::ofstream out(config);
    out << "platform:\n  token: soak01\n  host: 127.0.0.1\n  port: " << broker.port()
        << "\n  tls: false\n  keepalive: 10s\nclock:\n  require_sync: false\n"
        << "outbox:\n  path: " << outbox << "\nsensors:\n";
    for (int i = 0; i < sensors; ++i) {
      out << "  - driver: sim\n    name: sim" << i << "\n    interval: 1s\n    id: " << 1000 + i
          << "\n";
    }
  }
  const pid_t daemon = bench::spawn({sckd, "run", "--config", config}, broker.dir() + "/sckd.log");
  const auto start = std::chrono::steady_clock::now();
  const int total = minutes * 60;
  std::vector<Sample> samples;
  bool up = true;
  std::printf("soak_bench: %d sim sensors at 1 s, %d min, broker down/up every 30 s\n", sensors,
              minutes);
  std::printf("  %6s %6s %10s %10s %5s %12s\n", "second", "broker", "RssAnon", "VmRSS", "fds",
              "outbox");
  for (int second = 1; second <= total; ++second) {
    std::this_thread::sleep_until(start + std::chrono::seconds(second));
    if (waitpid(daemon, nullptr, WNOHANG) != 0) {
      std::fprintf(stderr, "soak_bench: sckd exited (log: %s/sckd.log)\n", broker.dir().c_str());
      return 1;
    }
    if (second % 30 == 0) {
      up = !up;
      if (up) {
        if (!broker.restart()) return 1;
      } else {
        broker.stop();
      }
    }
    if (second % 10 == 0) {
      Sample s{second,
               bench::statusKb(daemon, "RssAnon:"),
               bench::statusKb(daemon, "VmRSS:"),
               bench::openFds(daemon),
               bench::fileSize(outbox) + bench::fileSize(outbox + "-wal"),
               up};
      samples.push_back(s);
      std::printf("  %6d %6s %7ld kB %7ld kB %5d %9.1f kB\n", s.second, up ? "up" : "down",
                  s.rssAnonKb, s.vmRssKb, s.fds, static_cast<double>(s.outboxBytes) / 1e3);
      std::fflush(stdout);
    }
  }
  if (!up && !broker.restart()) return 1;
  // Drain: the backlog of the last outage goes out.
  long queued = -1;
  for (int i = 0; i < 60; ++i) {
    std::this_thread::sleep_for(std::chrono::seconds(1));
    queued = statusField(sckd, config, broker.dir(), "queued");
    if (queued >= 0 && queued <= sensors) break;
  }
  const long delivered = statusField(sckd, config, broker.dir(), "delivered");
  const long fdsEnd = bench::openFds(daemon);
  const long rssEnd = bench::statusKb(daemon, "RssAnon:");
  const long hwm = bench::statusKb(daemon, "VmHWM:");
  kill(daemon, SIGTERM);
  waitpid(daemon, nullptr, 0);

  auto fdsOf = [&](int from, int to) {
    int lo = 1 << 30, hi = 0;
    for (const auto& s : samples) {
      if (s.second >= from && s.second < to) lo = std::min(lo, s.fds), hi = std::max(hi, s.fds);
    }
    return std::array<int, 2>{lo, hi};
  };
  const auto firstFds = fdsOf(0, 61);
  const auto lastFds = fdsOf(total - 60, total + 1);
  std::printf("result:\n");
  std::printf(
      "  RssAnon: first minute %.0f kB, last minute %.0f kB, after the drain %ld kB"
      " (VmHWM %ld kB)\n",
      average(samples, 0, 61, &Sample::rssAnonKb),
      average(samples, total - 60, total + 1, &Sample::rssAnonKb), rssEnd, hwm);
  std::printf("  open fds: first minute %d-%d, last minute %d-%d, after the drain %ld\n",
              firstFds[0], firstFds[1], lastFds[0], lastFds[1], fdsEnd);
  std::printf(
      "  outbox (file + WAL): first minute %.1f kB, last minute %.1f kB, %ld readings"
      " still queued after the drain\n",
      average(samples, 0, 61, &Sample::outboxBytes) / 1e3,
      average(samples, total - 60, total + 1, &Sample::outboxBytes) / 1e3, queued);
  std::printf("  delivered %ld readings of about %d taken\n", delivered, sensors * total);
  return 0;
}
