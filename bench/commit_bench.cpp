// How fast the outbox stores a tick, what it costs the disk per reading, and how long a
// daemon takes to open a big backlog (the queue count reads every page of it; the full
// check, quick_check, runs after start off the loop and is timed alone).
//   commit_bench [DIR] [--cold]
// DIR defaults to a fresh directory under /var/tmp (a real disk, not tmpfs). --cold drops
// the page cache before each open (root only), like a Pi that just booted.
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "daemon/outbox/outbox.h"

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

struct Io {
  unsigned long long wchar = 0, writeBytes = 0;
};

Io readIo() {
  Io io;
  std::ifstream in("/proc/self/io");
  std::string key;
  unsigned long long value = 0;
  while (in >> key >> value) {
    if (key == "wchar:") io.wchar = value;
    if (key == "write_bytes:") io.writeBytes = value;
  }
  return io;
}

// Sim-like: ten sensors drifting around a plausible value, two decimals.
class Sim {
 public:
  std::vector<sckd::NewReading> tick(std::int64_t at, int count) {
    std::vector<sckd::NewReading> readings;
    for (int i = 0; i < count; ++i) {
      double& v = values_[i % 10];
      v += std::uniform_real_distribution<double>(-0.5, 0.5)(gen_);
      char text[32];
      std::snprintf(text, sizeof text, "%.2f", v);
      readings.push_back({at, 55 + i % 10, text});
    }
    return readings;
  }

 private:
  std::mt19937 gen_{42};
  double values_[10] = {21.3, 45.0, 1013.2, 400.0, 12.5, 3.3, 60.1, 0.4, 98.0, 7.7};
};

void die(const std::string& what) {
  std::fprintf(stderr, "commit_bench: %s\n", what.c_str());
  std::exit(1);
}

void dropCaches(bool cold) {
  if (!cold) return;
  ::sync();
  std::ofstream("/proc/sys/vm/drop_caches") << "3\n";
}

void benchCommits(const std::string& dir, int perTick) {
  const std::string path = dir + "/ticks-" + std::to_string(perTick) + ".db";
  auto outbox = sckd::Outbox::open(path, 256u << 20);
  if (!outbox) die(outbox.error().message);
  Sim sim;
  const Io before = readIo();
  const auto start = Clock::now();
  long ticks = 0;
  while (secondsSince(start) < 3.0 && ticks < 200000) {
    if (auto ok = (*outbox)->commit(sim.tick(1700000000 + ticks, perTick)); !ok) {
      die(ok.error().message);
    }
    ++ticks;
  }
  const double elapsed = secondsSince(start);
  const Io after = readIo();
  const double readings = static_cast<double>(ticks) * perTick;
  std::printf(
      "tick of %3d: %7.0f ticks/s  %9.0f readings/s  %7.0f disk bytes/reading"
      "  (%.0f bytes written by syscalls/reading)\n",
      perTick, ticks / elapsed, readings / elapsed,
      static_cast<double>(after.writeBytes - before.writeBytes) / readings,
      static_cast<double>(after.wchar - before.wchar) / readings);
}

double timeQuery(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  const auto start = Clock::now();
  sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
  const double t = secondsSince(start);
  sqlite3_close(db);
  return t;
}

void benchOpen(const std::string& dir, long rows, const char* label, bool cold) {
  const std::string path = dir + "/backlog-" + std::to_string(rows) + ".db";
  const auto buildStart = Clock::now();
  {
    auto outbox = sckd::Outbox::open(path, 1ull << 40);
    if (!outbox) die(outbox.error().message);
    Sim sim;
    // Big transactions to build quickly; the layout is the same as tick by tick.
    for (long done = 0, t = 0; done < rows; t += 1000) {
      std::vector<sckd::NewReading> batch;
      for (int k = 0; k < 1000 && done < rows; ++k, done += 10) {
        auto tick = sim.tick(1700000000 + (t + k) * 60, 10);
        batch.insert(batch.end(), tick.begin(), tick.end());
      }
      if (auto ok = (*outbox)->commit(batch); !ok) die(ok.error().message);
    }
  }
  const double built = secondsSince(buildStart);
  const double mb = static_cast<double>(std::filesystem::file_size(path)) / 1e6;
  dropCaches(cold);
  const auto start = Clock::now();
  auto outbox = sckd::Outbox::open(path, 1ull << 40);
  const double opened = secondsSince(start);
  if (!outbox || (*outbox)->queuedCount() != static_cast<std::uint64_t>(rows)) die("reopen failed");
  outbox->reset();
  dropCaches(cold);
  const double check = timeQuery(path, "PRAGMA quick_check");
  dropCaches(cold);
  const double count = timeQuery(path, "SELECT count(*) FROM readings");
  std::printf(
      "%s: %ld rows, %.1f MB (built in %.1f s): open %.3f s%s"
      " (alone: quick_check %.3f s, count(*) %.3f s)\n",
      label, rows, mb, built, opened, cold ? " cold cache" : " warm cache", check, count);
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir;
  bool cold = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--cold") {
      cold = true;
    } else {
      dir = arg;
    }
  }
  bool ownDir = false;
  if (dir.empty()) {
    std::string tmpl = "/var/tmp/sckd-commit-bench-XXXXXX";
    if (::mkdtemp(tmpl.data()) == nullptr) die("mkdtemp failed");
    dir = tmpl;
    ownDir = true;
  }
  std::printf("outbox commit bench in %s (synchronous=FULL: one fsync per tick)\n", dir.c_str());
  for (int perTick : {1, 10, 100}) benchCommits(dir, perTick);
  benchOpen(dir, 100'000, "1 week, 10 sensors/60 s", cold);
  benchOpen(dir, 1'000'000, "large backlog", cold);
  if (ownDir) std::filesystem::remove_all(dir);
  return 0;
}
