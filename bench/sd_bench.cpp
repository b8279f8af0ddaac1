// What a running daemon costs the storage: the real `sckd run` with simulated sensors
// publishing to a loopback mosquitto, measured over a window once it has settled (first
// connection made, schema written): bytes it caused to be written (`write_bytes` of
// /proc/PID/io: page-cache pages it dirtied, on their way to the disk) and its syncs
// (strace of fsync and kin on every thread). Per tick and per reading, and what that
// makes in a day, for an SD card's endurance.
//   sd_bench SCKD_BINARY [SECONDS] [DIR]
// SECONDS: the window of the 1 s configs (default 30). The 60 s config's window is
// $SD_BENCH_SLOW_SECONDS (default 180: three ticks). DIR: where the outboxes go (default
// /var/tmp); it must be a disk, since tmpfs has nothing to write or sync.
#include <signal.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_broker.h"
#include "bench/bench_process.h"

namespace {

constexpr long kTmpfsMagic = 0x01021994;
constexpr long kRamfsMagic = 0x858458f6;
constexpr long kExt4Magic = 0xEF53;
constexpr int kSettleSeconds = 3;

struct Case {
  std::string label;
  int sensors;
  int intervalSeconds;
  int windowSeconds;
};

struct Figures {
  Case c{};
  long long writeBytes = 0;
  long long wchar = 0;  // bytes handed to write() and kin, whether or not they reach a disk
  long syncs = 0;
  std::map<std::string, long> syncsByFile;
  long brokerReadings = 0;
  long brokerTicks = 0;
  long dbBytes = 0, walBytes = 0, shmBytes = 0;

  double ticks() const { return static_cast<double>(c.windowSeconds) / c.intervalSeconds; }
};

double wallNow() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Says what DIR is on; false when it is not a disk (tmpfs, ramfs).
bool onDisk(const std::string& dir) {
  struct statfs fs {};
  if (statfs(dir.c_str(), &fs) != 0) {
    std::fprintf(stderr, "sd_bench: cannot statfs %s\n", dir.c_str());
    return false;
  }
  const long type = static_cast<long>(fs.f_type);
  if (type == kTmpfsMagic || type == kRamfsMagic) {
    std::printf("  %s is on %s (memory, not a disk): write_bytes and syncs mean nothing here\n",
                dir.c_str(), type == kTmpfsMagic ? "tmpfs" : "ramfs");
    return false;
  }
  std::printf("  %s is on %s, a disk-backed file system\n", dir.c_str(),
              type == kExt4Magic ? "ext2/3/4" : ("f_type 0x" + std::to_string(type)).c_str());
  return true;
}

// "2026-11-24T10:30:00Z" as Unix seconds; -1 if it is not one.
std::int64_t parseStamp(const std::string& text) {
  std::tm tm{};
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6) {
    return -1;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return timegm(&tm);
}

// Readings the subscriber saw with a recorded_at in [from, to), and in how many ticks.
void countReceived(const std::string& path, double from, double to, Figures& f) {
  std::ifstream in(path);
  std::string line;
  std::set<std::int64_t> ticks;
  const std::string key = "\"recorded_at\":\"";
  while (std::getline(in, line)) {
    for (auto at = line.find(key); at != std::string::npos;) {
      const auto next = line.find(key, at + 1);
      const std::int64_t stamp = parseStamp(line.substr(at + key.size(), 20));
      if (stamp >= from && stamp < to) {
        ticks.insert(stamp);
        // Each sensor of the entry is one {"id":...,"value":...}.
        for (auto id = line.find("\"id\":", at); id < next; id = line.find("\"id\":", id + 1)) {
          ++f.brokerReadings;
        }
      }
      at = next;
    }
  }
  f.brokerTicks = static_cast<long>(ticks.size());
}

// Sync calls in an `strace -y` file, in total and by call and file ("fdatasync x.db-wal");
// a descriptor strace could not name is counted under its number.
void countSyncs(const std::string& path, Figures& f) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    const std::string call = bench::straceCall(line);
    if (call.empty()) continue;
    // The first argument: "8</dir/x.db-wal>" with -y, a bare "8" when it has no name.
    const auto from = line.find('(') + 1;
    const auto digits = line.find_first_not_of("0123456789", from);
    const auto close = line.find('>', digits);
    const bool named =
        digits != std::string::npos && line[digits] == '<' && close != std::string::npos;
    const std::string file =
        named
            ? std::filesystem::path(line.substr(digits + 1, close - digits - 1)).filename().string()
            : "fd " + line.substr(from, digits - from);
    ++f.syncs;
    ++f.syncsByFile[call + " " + file];
  }
}

std::optional<Figures> measure(const std::string& sckd, const bench::Broker& broker,
                               const std::string& dir, const Case& c, int n) {
  Figures f;
  f.c = c;
  const std::string name = dir + "/case" + std::to_string(n);
  const std::string outbox = name + "-outbox.db";
  bench::SimConfig config;
  config.token = "sdb00" + std::to_string(n);
  config.port = broker.port();
  config.outbox = outbox;
  config.sensors = c.sensors;
  config.intervalSeconds = c.intervalSeconds;
  if (!bench::writeSimConfig(name + ".yaml", config)) return std::nullopt;

  const pid_t sub =
      bench::spawn({"mosquitto_sub", "-h", "127.0.0.1", "-p", std::to_string(broker.port()), "-q",
                    "1", "-v", "-t", "device/sck/+/readings"},
                   name + "-sub.txt");
  const pid_t daemon = bench::spawn({sckd, "run", "--config", name + ".yaml"}, name + "-sckd.log");
  std::this_thread::sleep_for(std::chrono::seconds(kSettleSeconds));
  if (waitpid(daemon, nullptr, WNOHANG) != 0) {
    std::fprintf(stderr, "sd_bench: sckd exited (log: %s-sckd.log.err)\n", name.c_str());
    bench::terminate(sub);
    return std::nullopt;
  }
  const std::string trace = name + "-syncs.txt";
  const pid_t strace = bench::attachStrace(
      daemon, {"-y", "-e", "trace=fsync,fdatasync,msync,sync_file_range"}, trace);
  if (strace < 0) {
    bench::terminate(daemon);
    bench::terminate(sub);
    return std::nullopt;
  }
  const long long bytes0 = bench::procIo(daemon, "write_bytes:");
  const long long wchar0 = bench::procIo(daemon, "wchar:");
  const double from = wallNow();
  std::this_thread::sleep_for(std::chrono::seconds(c.windowSeconds));
  f.writeBytes = bench::procIo(daemon, "write_bytes:") - bytes0;
  f.wchar = bench::procIo(daemon, "wchar:") - wchar0;
  const double to = wallNow();
  bench::detachStrace(strace);
  f.dbBytes = bench::fileSize(outbox);
  f.walBytes = bench::fileSize(outbox + "-wal");
  f.shmBytes = bench::fileSize(outbox + "-shm");
  // The window's last tick reaches the subscriber before either stops.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  const bool alive = waitpid(daemon, nullptr, WNOHANG) == 0;
  bench::terminate(daemon);
  bench::terminate(sub);
  if (!alive || bytes0 < 0) {
    std::fprintf(stderr, "sd_bench: sckd died or /proc/%d/io unreadable (log: %s-sckd.log.err)\n",
                 daemon, name.c_str());
    return std::nullopt;
  }
  countSyncs(trace, f);
  countReceived(name + "-sub.txt", std::ceil(from), to, f);
  return f;
}

void printTable(const std::vector<Figures>& all) {
  std::printf("\n  %-24s %6s %6s %12s %10s %10s %11s %9s\n", "config", "window", "ticks",
              "write_bytes", "B/reading", "B/tick", "fsyncs/tick", "GB/day");
  for (const auto& f : all) {
    const double ticks = f.ticks();
    const double perTick = static_cast<double>(f.writeBytes) / ticks;
    std::printf("  %-24s %5ds %6.3g %12lld %10.0f %10.0f %11.2f %9.4f\n", f.c.label.c_str(),
                f.c.windowSeconds, ticks, f.writeBytes, perTick / f.c.sensors, perTick,
                static_cast<double>(f.syncs) / ticks,
                perTick * (86400.0 / f.c.intervalSeconds) / 1e9);
  }
}

void printDetails(const Figures& f) {
  const double expected = f.ticks() * f.c.sensors;
  std::printf("  %s:\n", f.c.label.c_str());
  std::printf(
      "    cross-check: the broker got %ld readings in %ld ticks stamped in the window"
      " (expected %.3g x %d = %.3g)\n",
      f.brokerReadings, f.brokerTicks, f.ticks(), f.c.sensors, expected);
  std::printf(
      "    bytes passed to write calls (wchar, the MQTT socket's too) %lld, %.0f per tick\n",
      f.wchar, static_cast<double>(f.wchar) / f.ticks());
  std::string byFile;
  bool checkpoint = false;
  for (const auto& [callAndFile, count] : f.syncsByFile) {
    byFile += ", " + callAndFile + " " + std::to_string(count);
    checkpoint = checkpoint || callAndFile.ends_with(".db");
  }
  std::printf("    sync calls %ld%s\n", f.syncs, byFile.empty() ? ": none" : byFile.c_str());
  if (!checkpoint) {
    std::printf(
        "    no checkpoint in the window (the main file was never synced; SQLite copies"
        " the WAL back every 1000 pages)\n");
  }
  std::printf("    outbox at the end: file %ld B, WAL %ld B, shm %ld B\n", f.dbBytes, f.walBytes,
              f.shmBytes);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: sd_bench SCKD_BINARY [SECONDS] [DIR]\n");
    return 2;
  }
  const std::string sckd = argv[1];
  const int window = argc > 2 ? std::atoi(argv[2]) : 30;
  const std::string base = argc > 3 ? argv[3] : "/var/tmp";
  const char* slowEnv = std::getenv("SD_BENCH_SLOW_SECONDS");
  const int slowWindow = slowEnv != nullptr ? std::atoi(slowEnv) : 180;
  if (window <= 0 || slowWindow <= 0) {
    std::fprintf(stderr, "sd_bench: windows must be positive\n");
    return 2;
  }
  std::string dir = base + "/sckd-sd-bench-XXXXXX";
  if (mkdtemp(dir.data()) == nullptr) {
    std::fprintf(stderr, "sd_bench: cannot make a directory in %s\n", base.c_str());
    return 1;
  }
  std::printf("sd_bench: sckd run with sim sensors, plain MQTT to a loopback mosquitto\n");
  onDisk(dir);
  bench::Broker broker;
  if (!broker.start(false)) return 1;

  const std::vector<Case> cases = {
      {"1 sensor at 1 s", 1, 1, window},
      {"10 sensors at 1 s", 10, 1, window},
      {"10 sensors at 60 s", 10, 60, slowWindow},
  };
  std::vector<Figures> all;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    std::printf("  measuring %s for %d s after %d s to settle...\n", cases[i].label.c_str(),
                cases[i].windowSeconds, kSettleSeconds);
    std::fflush(stdout);
    auto figures = measure(sckd, broker, dir, cases[i], static_cast<int>(i + 1));
    if (!figures) {
      std::fprintf(stderr, "sd_bench: files kept in %s\n", dir.c_str());
      return 1;
    }
    all.push_back(*figures);
  }
  printTable(all);
  std::printf(
      "  (B = write_bytes over the window; ticks = window / interval; GB/day = B/tick x"
      " ticks a day)\n\n");
  bool suspect = false;
  for (const auto& f : all) {
    printDetails(f);
    // synchronous=FULL syncs at least once per tick: fewer means strace missed some.
    suspect = suspect || f.syncs < f.brokerTicks;
  }
  if (suspect) {
    std::printf("\n  fewer syncs than ticks somewhere: the traces and logs are kept in %s\n",
                dir.c_str());
  } else {
    std::filesystem::remove_all(dir);
  }
  return 0;
}
