// A week offline, then the network returns: an outbox holding a week of 10 sensors at 60 s
// (100 800 readings, written as the daemon writes them) is drained by the real sckd to a
// loopback mosquitto at the default pacing. Samples sckd's memory and open fds while it
// drains (the backlog must stream from disk, not load into memory) and checks that the
// backlog arrives in order of recorded_at. sckd's own sensor (id 999) goes live first,
// ahead of the backlog: where its first reading arrived is printed too.
//   offline_bench SCKD_BINARY [DAYS] [SENSORS] [MAX_MESSAGES_PER_SECOND]
//   (defaults: 7 days, 10 sensors, the daemon's own pacing; 0 = unpaced)
#include <dirent.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_broker.h"
#include "bench/bench_process.h"
#include "daemon/outbox/outbox.h"

namespace {

// Every "recorded_at":"..." in the subscriber's output, in arrival order.
std::vector<std::string> stampsIn(const std::string& path) {
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  std::vector<std::string> stamps;
  const std::string key = "\"recorded_at\":\"";
  for (auto at = text.find(key); at != std::string::npos; at = text.find(key, at + 1)) {
    stamps.push_back(text.substr(at + key.size(), 20));
  }
  return stamps;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: offline_bench SCKD_BINARY [DAYS] [SENSORS] [MAX_MSG_PER_S]\n");
    return 2;
  }
  const std::string sckd = argv[1];
  const int days = argc > 2 ? std::atoi(argv[2]) : 7;
  const int sensors = argc > 3 ? std::atoi(argv[3]) : 10;
  const int pace = argc > 4 ? std::atoi(argv[4]) : -1;  // -1: the daemon's default
  bench::Broker broker;
  if (!broker.start(false)) return 1;
  const std::string outboxPath = broker.dir() + "/outbox.db";
  const long ticks = days * 24L * 60;
  {
    auto outbox = sckd::Outbox::open(outboxPath, 10'000'000'000ull);
    if (!outbox.ok()) {
      std::fprintf(stderr, "%s\n", outbox.error().message.c_str());
      return 1;
    }
    const std::int64_t start = std::chrono::duration_cast<std::chrono::seconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count() -
                               ticks * 60;
    std::vector<sckd::NewReading> batch;
    for (long t = 0; t < ticks; ++t) {
      for (int s = 0; s < sensors; ++s) {
        batch.emplace_back(start + t * 60, 1000 + s, std::to_string(20 + s) + ".5");
      }
      if (batch.size() >= 10000 || t + 1 == ticks) {
        if (!(*outbox)->commit(batch).ok()) return 1;
        batch.clear();
      }
    }
  }
  const long backlog = ticks * sensors;
  // Stamps from here on are sckd's own fresh readings, not the backlog's.
  char freshFrom[32];
  {
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    std::strftime(freshFrom, sizeof freshFrom, "%Y-%m-%dT%H:%M:%SZ", &utc);
  }
  const std::string config = broker.dir() + "/sckd.yaml";
  {
    std::ofstream out(config);
    out << "platform:\n  token: week01\n  host: 127.0.0.1\n  port: " << broker.port()
        << "\n  tls: false\n";
    if (pace >= 0) out << "publish:\n  max_messages_per_second: " << pace << "\n";
    out << "clock:\n  require_sync: false\noutbox:\n  path: " << outboxPath
        << "\nsensors:\n  - driver: sim\n    interval: 60s\n    id: 999\n";
  }
  const std::string subOut = broker.dir() + "/sub.txt";
  const pid_t sub =
      bench::spawn({"mosquitto_sub", "-h", "127.0.0.1", "-p", std::to_string(broker.port()), "-q",
                    "1", "-t", "device/sck/week01/readings"},
                   subOut);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const auto started = std::chrono::steady_clock::now();
  const pid_t daemon = bench::spawn({sckd, "run", "--config", config}, broker.dir() + "/sckd.log");
  long rssMin = 1L << 40, rssMax = 0, fdMin = 1L << 30, fdMax = 0;
  double drained = -1;
  for (int i = 0; i < 30000; ++i) {  // 10 minutes at most
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (waitpid(daemon, nullptr, WNOHANG) != 0) {
      std::fprintf(stderr, "offline_bench: sckd exited (log: %s/sckd.log)\n", broker.dir().c_str());
      return 1;
    }
    const long rss = bench::statusKb(daemon, "RssAnon:");
    const long fds = bench::openFds(daemon);
    if (i >= 5) {  // past start-up
      rssMin = std::min(rssMin, rss), rssMax = std::max(rssMax, rss);
      fdMin = std::min(fdMin, fds), fdMax = std::max(fdMax, fds);
    }
    // One entry per recorded_at: a week of ticks, each carrying every sensor.
    if (static_cast<long>(stampsIn(subOut).size()) >= ticks) {
      drained = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      break;
    }
  }
  const long hwm = bench::statusKb(daemon, "VmHWM:");
  kill(daemon, SIGTERM);
  waitpid(daemon, nullptr, 0);
  kill(sub, SIGTERM);
  waitpid(sub, nullptr, 0);
  const auto stamps = stampsIn(subOut);
  long outOfOrder = 0, firstFresh = -1;
  std::string previous;
  for (std::size_t i = 0; i < stamps.size(); ++i) {
    if (stamps[i] >= freshFrom) {
      if (firstFresh < 0) firstFresh = static_cast<long>(i);
      continue;
    }
    outOfOrder += stamps[i] < previous;
    previous = stamps[i];
  }
  std::printf(
      "offline_bench: %d days of %d sensors at 60 s = %ld readings queued, "
      "max_messages_per_second %s\n",
      days, sensors, backlog, pace < 0 ? "default" : std::to_string(pace).c_str());
  std::printf("  drained in %.1f s (%zu entries of %d readings arrived)\n", drained, stamps.size(),
              sensors);
  std::printf("  sckd while draining: RssAnon %ld-%ld kB (VmHWM %ld kB), open fds %ld-%ld\n",
              rssMin, rssMax, hwm, fdMin, fdMax);
  std::printf("  arrival order: %ld backlog entries earlier than the one before\n", outOfOrder);
  if (firstFresh >= 0) {
    std::printf("  sckd's own fresh reading arrived as entry %ld of %zu (live first)\n",
                firstFresh + 1, stamps.size());
  }
  return drained < 0 || outOfOrder > 0 ? 1 : 0;
}
