// How soon the real `sckd run` tells systemd it is ready: from just before fork/exec to the
// READY=1 datagram on a NOTIFY_SOCKET of ours, as the service manager would see it (the
// unit is Type=notify, so this is what `systemctl start` waits for). Once with no outbox
// at all (it is created, schema and all) and once with 1 000 000 readings queued. The
// broker is 127.0.0.1:1, where nothing listens: a valid config whose connection attempts
// are refused at once, so no run drains the backlog the next run opens.
//   startup_bench SCKD_BINARY [DIR]   (DIR: where the outboxes go, default /var/tmp)
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "bench/bench_process.h"
#include "daemon/outbox/outbox.h"

namespace {

using Clock = std::chrono::steady_clock;
constexpr int kRuns = 5;
constexpr long kBacklog = 1'000'000;
constexpr int kSensors = 10;
constexpr std::size_t kReadingsPerCommit = 10'000;

// The socket sd_notify(3) writes to: AF_UNIX datagrams to the path in NOTIFY_SOCKET.
class NotifySocket {
 public:
  explicit NotifySocket(const std::string& path) : path_(path) {
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
    bound_ = fd_ >= 0 && bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~NotifySocket() {
    if (fd_ >= 0) close(fd_);
    unlink(path_.c_str());
  }
  bool bound() const { return bound_; }
  const std::string& path() const { return path_; }

  // Throws away what an earlier run sent after its READY=1 (STATUS=, STOPPING=1).
  void drain() {
    char buf[4096];
    while (recv(fd_, buf, sizeof buf, MSG_DONTWAIT) > 0) {
    }
  }
  // Waits for a datagram holding the line READY=1, as long as `child` lives; the time it
  // arrived, or nothing.
  std::optional<Clock::time_point> waitReady(pid_t child, std::chrono::seconds limit) {
    const auto end = Clock::now() + limit;
    char buf[4096];
    while (Clock::now() < end) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 100) == 1) {
        const ssize_t n = recv(fd_, buf, sizeof buf, 0);
        const auto at = Clock::now();
        if (n > 0 && hasLine(std::string(buf, static_cast<std::size_t>(n)), "READY=1")) return at;
      } else if (waitpid(child, nullptr, WNOHANG) != 0) {
        return std::nullopt;
      }
    }
    return std::nullopt;
  }

 private:
  static bool hasLine(const std::string& datagram, const std::string& line) {
    std::size_t start = 0;
    while (start <= datagram.size()) {
      std::size_t nl = datagram.find('\n', start);
      if (nl == std::string::npos) nl = datagram.size();
      if (datagram.compare(start, nl - start, line) == 0) return true;
      start = nl + 1;
    }
    return false;
  }

  std::string path_;
  int fd_ = -1;
  bool bound_ = false;
};

void removeOutbox(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm", ".lock"}) {
    std::filesystem::remove(path + suffix);
  }
}

// The backlog, through the outbox library itself so it is always today's file format:
// ticks of 10 sensors, as the daemon stores them, in big transactions to build quickly.
bool fillOutbox(const std::string& path) {
  auto outbox = sckd::Outbox::open(path, 1ull << 40);
  if (!outbox) {
    std::fprintf(stderr, "startup_bench: %s\n", outbox.error().message.c_str());
    return false;
  }
  const std::int64_t t0 = 1'700'000'000;
  std::vector<sckd::NewReading> batch;
  for (long i = 0; i < kBacklog; ++i) {
    batch.emplace_back(t0 + (i / kSensors) * 60, 1000 + static_cast<int>(i % kSensors),
                       std::to_string(20 + i % 7) + "." + std::to_string(i % 100));
    if (batch.size() == kReadingsPerCommit || i + 1 == kBacklog) {
      if (auto ok = (*outbox)->commit(batch); !ok) {
        std::fprintf(stderr, "startup_bench: %s\n", ok.error().message.c_str());
        return false;
      }
      batch.clear();
    }
  }
  return (*outbox)->queuedCount() == static_cast<std::uint64_t>(kBacklog);
}

// One start: milliseconds from fork to READY=1, then SIGTERM and wait; nothing on failure.
std::optional<double> timeStart(const std::string& sckd, const std::string& config,
                                NotifySocket& notify, const std::string& log) {
  bench::SpawnOptions options;
  options.out = log;
  options.env = {"NOTIFY_SOCKET=" + notify.path()};
  notify.drain();
  const auto start = Clock::now();
  const pid_t pid = bench::spawn({sckd, "run", "--config", config}, options);
  const auto ready = notify.waitReady(pid, std::chrono::seconds(30));
  const int status = bench::terminate(pid);
  if (!ready) {
    std::fprintf(stderr, "startup_bench: no READY=1 (wait status %d; log: %s.err)\n", status,
                 log.c_str());
    return std::nullopt;
  }
  return std::chrono::duration<double, std::milli>(*ready - start).count();
}

// One untimed start (page cache, binary and libraries warm), then kRuns timed ones.
bool runCase(const std::string& label, const std::string& sckd, const std::string& config,
             NotifySocket& notify, const std::string& dir, const std::string& outbox,
             bool freshEachRun) {
  std::vector<double> ms;
  for (int i = 0; i <= kRuns; ++i) {
    if (freshEachRun) removeOutbox(outbox);
    auto t = timeStart(sckd, config, notify, dir + "/sckd.log");
    if (!t) return false;
    if (i > 0) ms.push_back(*t);
  }
  std::string all;
  for (double t : ms) {
    char text[32];
    std::snprintf(text, sizeof text, " %.1f", t);
    all += text;
  }
  std::sort(ms.begin(), ms.end());
  std::printf("  %-28s min %7.1f  median %7.1f  max %7.1f ms   (runs:%s)\n", label.c_str(),
              ms.front(), ms[ms.size() / 2], ms.back(), all.c_str());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: startup_bench SCKD_BINARY [DIR]\n");
    return 2;
  }
  const std::string sckd = argv[1];
  const std::string base = argc > 2 ? argv[2] : "/var/tmp";
  std::string dir = base + "/sckd-startup-bench-XXXXXX";
  // The socket's path must fit sun_path (108 bytes): it gets a short directory of its own.
  std::string sockDir = "/tmp/sckd-notify-XXXXXX";
  if (mkdtemp(dir.data()) == nullptr || mkdtemp(sockDir.data()) == nullptr) {
    std::fprintf(stderr, "startup_bench: cannot make a directory in %s or /tmp\n", base.c_str());
    return 1;
  }
  NotifySocket notify(sockDir + "/notify");
  if (!notify.bound()) {
    std::fprintf(stderr, "startup_bench: cannot bind %s\n", notify.path().c_str());
    return 1;
  }
  const std::string outbox = dir + "/outbox.db";
  bench::SimConfig config;
  config.port = 1;  // nothing listens: refused at once
  config.outbox = outbox;
  if (!bench::writeSimConfig(dir + "/sckd.yaml", config)) return 1;

  std::printf(
      "startup_bench: fork/exec of sckd run to READY=1 on NOTIFY_SOCKET, %d runs after"
      " one untimed (warm cache)\n",
      kRuns);
  std::printf(
      "  broker 127.0.0.1:1 (nothing listens: refused), 1 sim sensor at 60 s, outbox in"
      " %s\n",
      dir.c_str());
  bool ok = runCase("no outbox (created)", sckd, dir + "/sckd.yaml", notify, dir, outbox, true);
  removeOutbox(outbox);
  const auto fillStart = Clock::now();
  ok = ok && fillOutbox(outbox);
  if (ok) {
    std::printf(
        "  (filled %ld readings, %zu per commit, in %.1f s: %.1f MB)\n", kBacklog,
        kReadingsPerCommit, std::chrono::duration<double>(Clock::now() - fillStart).count(),
        static_cast<double>(bench::fileSize(outbox) + bench::fileSize(outbox + "-wal")) / 1e6);
  }
  ok = ok &&
       runCase("1 000 000 readings queued", sckd, dir + "/sckd.yaml", notify, dir, outbox, false);
  if (ok) std::filesystem::remove_all(dir);
  std::filesystem::remove_all(sockDir);
  return ok ? 0 : 1;
}
