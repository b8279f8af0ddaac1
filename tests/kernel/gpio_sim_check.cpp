// Runs inside the qemu VM of scripts/qemu-gpio-test, against the kernel's gpio-sim: a chip
// labelled "sckd-sim" with 8 input lines named SIM0..SIM7, whose levels this program drives
// by writing pull-up / pull-down to sysfs, which makes real edges in the kernel.
//   1. the Linux GPIO backend: listing, lookup by label and name, edges with their kernel
//      timestamps, levels, active-low, a busy line;
//   2. `sckd scan --gpio`;
//   3. the real sckd publishing to a real mosquitto in the VM: a pulse count, its rate, a
//      level and its change, and debounce (a burst of bounces counts once);
//   4. figures: the highest pulse rate counted without loss, and sckd's CPU time per 1000
//      edges (printed as FIGURE: lines; bench/gpio-sim-bench collects them).
// Not gtest: it runs in a bare busybox initramfs. Prints PASS:/FAIL: lines, then
// "GPIO_SIM_CHECK: PASS" or "GPIO_SIM_CHECK: FAIL"; exit status 0 or 1.
// usage: gpio_sim_check PATH_TO_SCKD [MOSQUITTO]   (env SCKD_SIM_SYSFS: the chip's sysfs
// directory; mosquitto is found on PATH)
#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "drivers/bus/linux_gpio.h"
#include "tests/kernel/check_lines.h"
#include "tests/kernel/vm_sckd.h"
#include "tests/support/readings.h"
#include "tests/support/sckd_process.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_broker.h"
#include "tests/support/test_subscriber.h"

namespace {

using namespace sckd;
using namespace sckd::testing;
using namespace std::chrono_literals;

std::string sysfs;  // /sys/devices/platform/gpio-sim.0/gpiochipN

// Drives line `offset` as a wire would: pull-up makes it high, pull-down low.
void pull(unsigned offset, bool up) {
  std::ofstream out(sysfs + "/sim_gpio" + std::to_string(offset) + "/pull");
  out << (up ? "pull-up" : "pull-down");
}

// One pulse as a switch to ground gives it: a falling edge, then a rising one.
void pulseOnce(unsigned offset) {
  pull(offset, false);
  pull(offset, true);
}

Nanos monoNow() {
  return std::chrono::steady_clock::now().time_since_epoch();
}

// Every edge that arrives on `line` within `timeout`, until `want` have come.
std::vector<GpioEdge> collectEdges(GpioLine& line, std::size_t want,
                                   std::chrono::milliseconds timeout) {
  std::vector<GpioEdge> all;
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (all.size() < want && std::chrono::steady_clock::now() < end) {
    pollfd p{line.eventFd(), POLLIN, 0};
    ::poll(&p, 1, 50);
    Result<std::vector<GpioEdge>> edges = line.readEdges();
    if (!edges.ok()) break;
    all.insert(all.end(), edges->begin(), edges->end());
  }
  return all;
}

void checkBackend() {
  auto chips = makeLinuxGpioChips();
  Result<std::vector<GpioChipInfo>> list = chips->list();
  check(list.ok(), "list the GPIO chips", list.ok() ? "" : list.error().message);
  if (!list.ok()) return;
  const GpioChipInfo* sim = nullptr;
  for (const GpioChipInfo& c : *list) {
    if (c.label == "sckd-sim") sim = &c;
  }
  check(sim != nullptr && sim->lines.size() == 8, "the gpio-sim chip is listed, with 8 lines");
  if (sim == nullptr) return;
  check(sim->lines[3].name == "SIM3" && sim->lines[7].name == "SIM7", "line names are read",
        sim->lines[3].name);

  Result<GpioLineAddress> found = findGpioLine(*chips, "sckd-sim", "SIM3");
  check(found.ok() && found->chip == sim->name && found->offset == 3,
        "a line is found by chip label and line name");

  pull(3, false);
  GpioLineRequest request{sim->name, 3, "sckd-check", GpioBias::AsIs, false, GpioEdges::Both};
  Result<std::unique_ptr<GpioLine>> line = chips->request(request);
  check(line.ok(), "request SIM3 with both edges", line.ok() ? "" : line.error().message);
  if (!line.ok()) return;
  Result<std::vector<GpioChipInfo>> again = chips->list();
  check(again.ok() && again->size() == list->size(), "list again while a line is held");
  for (const GpioChipInfo& c : again.ok() ? *again : std::vector<GpioChipInfo>{}) {
    if (c.name != sim->name) continue;
    check(c.lines[3].used && c.lines[3].consumer == "sckd-check",
          "the held line shows its consumer", c.lines[3].consumer);
  }

  // Read as they come, as the daemon's loop does: libgpiod 1.6's kernel queue keeps 16.
  const Nanos before = monoNow();
  std::vector<GpioEdge> edges;
  for (int i = 0; i < 100; ++i) {
    pull(3, true);
    pull(3, false);
    std::vector<GpioEdge> two = collectEdges(**line, 2, 2000ms);
    edges.insert(edges.end(), two.begin(), two.end());
  }
  const Nanos after = monoNow();
  check(edges.size() == 200, "200 edges for 100 pulses", std::to_string(edges.size()));
  bool alternating = true;
  bool inOrder = true;
  for (std::size_t i = 0; i < edges.size(); ++i) {
    alternating = alternating && edges[i].rising == (i % 2 == 0);
    inOrder = inOrder && edges[i].timestamp >= before && edges[i].timestamp <= after &&
              (i == 0 || edges[i].timestamp >= edges[i - 1].timestamp);
  }
  check(alternating, "rising and falling alternate");
  check(inOrder, "edge timestamps are CLOCK_MONOTONIC, in order");
  pull(3, true);
  Result<bool> high = (*line)->value();
  check(high.ok() && *high, "the level follows the pull");

  Result<std::unique_ptr<GpioLine>> twice = chips->request(request);
  check(!twice.ok() && twice.error().code == ErrorCode::Busy, "a held line is busy",
        twice.ok() ? "granted" : twice.error().message);
  line->reset();

  pull(5, true);
  GpioLineRequest inverted{sim->name, 5, "sckd-check", GpioBias::AsIs, true, GpioEdges::None};
  Result<std::unique_ptr<GpioLine>> low = chips->request(inverted);
  Result<bool> level = low.ok() ? (*low)->value() : Result<bool>(low.error());
  check(level.ok() && !*level, "active_low: a high line reads inactive");
}

void checkScan() {
  auto scan = SckdProcess::spawn({"scan", "--gpio"}, "/tmp/scan.log");
  std::optional<int> status = scan ? scan->waitExit(20s) : std::nullopt;
  check(status && describeStatus(*status) == "exit 0", "sckd scan --gpio exits 0",
        scan ? scan->log() : "");
  const std::string out = scan ? scan->output() : "";
  check(out.find("(sckd-sim), 8 lines") != std::string::npos &&
            out.find("free   {chip: sckd-sim, line: SIM0}") != std::string::npos,
        "sckd scan --gpio lists the chip, its lines and their config keys", out);
}

constexpr const char* kSensors =
    "  - name: rain\n    driver: pulse\n    chip: sckd-sim\n    line: SIM1\n"
    "    interval: 2s\n    ids: {amount: 300, rate: 301}\n"
    "  - name: door\n    driver: gpio\n    chip: sckd-sim\n    line: SIM2\n"
    "    on_change: true\n    interval: 60s\n    id: 400\n"
    "  - name: bouncy\n    driver: pulse\n    chip: sckd-sim\n    line: SIM4\n"
    "    debounce: 50ms\n    interval: 2s\n    ids: {amount: 302}\n"
    "  - name: fast\n    driver: pulse\n    chip: sckd-sim\n    line: SIM6\n"
    "    interval: 2s\n    ids: {amount: 303}\n";

void checkDaemon() {
  for (unsigned line : {1u, 2u, 4u, 6u}) pull(line, line != 2);  // idle: switches open
  Sckd sckd;
  check(sckd.start(kSensors), "mosquitto and sckd start in the VM");
  const bool first = sckd.waitPast(300, 0, 30s);
  check(first, "sckd publishes the rain gauge", first ? "" : sckd.log());
  if (!first) return;

  // 100 pulses at about 100 Hz, a door opening and shutting, and 5 bounce bursts.
  for (int i = 0; i < 100; ++i) {
    pulseOnce(1);
    std::this_thread::sleep_for(10ms);
  }
  pull(2, true);
  std::this_thread::sleep_for(1500ms);
  pull(2, false);
  for (int burst = 0; burst < 5; ++burst) {
    for (int bounce = 0; bounce < 5; ++bounce) pulseOnce(4);  // 5 falling edges in ~1 ms
    std::this_thread::sleep_for(300ms);
  }
  const std::int64_t done = unixNow();
  check(sckd.waitPast(300, done + 2, 20s), "the intervals after the pulses arrive");
  check(sckd.sum(300) == 100, "all 100 pulses are counted, across intervals",
        std::to_string(sckd.sum(300)));
  // The rate divides by the interval as the monotonic clock measured it, which under an
  // emulated CPU on a busy host can be a few hundred ms off the nominal 2 s: the check is
  // that count / rate is an interval near 2 s, not that it is 2 s to the millisecond.
  bool ratesMatch = true;
  std::string rateLog;
  const auto rates = sckd.readings(301);
  for (const auto& [at, amount] : sckd.readings(300)) {
    auto rate = rates.find(at);
    const bool found = rate != rates.end();
    const bool match = found && (amount == 0 ? rate->second == 0
                                             : rate->second > 0 && amount / rate->second > 1.5 &&
                                                   amount / rate->second < 3.0);
    ratesMatch = ratesMatch && match;
    rateLog += std::to_string(amount) + " in " +
               (found ? std::to_string(rate->second) : std::string("no rate")) + "/s\n";
  }
  check(ratesMatch, "each rate is its interval's count per second", rateLog);
  const std::vector<double> door = sckd.values(400);
  bool opened = false;
  bool shut = false;
  for (std::size_t i = 0; i < door.size(); ++i) {
    if (door[i] == 1) opened = true;
    if (opened && door[i] == 0) shut = true;
  }
  // Its 60 s interval is aligned on the minute: these come from the changes themselves.
  check(opened && shut, "the door's changes arrive at once, opened then shut",
        std::to_string(door.size()) + " readings");
  check(sckd.sum(302) == 5, "debounce: 5 bursts of 5 bounces count 5",
        std::to_string(sckd.sum(302)));

  // Figures: bursts of 2000 pulses at rising rates; counted exactly up to which rate?
  int lossless = 0;
  for (int hz : {200, 500, 1000, 2000, 5000}) {
    const double before = sckd.sum(303);
    const auto cpuBefore = sckd.cpu();
    const auto start = std::chrono::steady_clock::now();
    const auto spacing = std::chrono::nanoseconds(1'000'000'000 / hz);
    for (int i = 0; i < 2000; ++i) {
      pulseOnce(6);
      std::this_thread::sleep_until(start + spacing * (i + 1));
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    sckd.waitPast(303, unixNow() + 2, 20s);
    const double counted = sckd.sum(303) - before;
    const auto cpu = sckd.cpu() - cpuBefore;
    std::printf(
        "FIGURE: %d pulses in %.2f s (%.0f Hz): counted %.0f; sckd CPU %lld ms, %.1f ms "
        "per 1000 edges\n",
        2000, seconds, 2000 / seconds, counted, static_cast<long long>(cpu.count()),
        static_cast<double>(cpu.count()) / 2.0);
    std::fflush(stdout);
    if (counted == 2000) lossless = static_cast<int>(2000 / seconds);
    if (counted != 2000) break;
  }
  std::printf("FIGURE: highest pulse rate counted without loss: %d Hz\n", lossless);
  check(lossless >= 100, "pulses at 100 Hz and more are counted without loss",
        std::to_string(lossless) + " Hz");
  check(sckd.running(), "sckd is still running", sckd.log());
}

}  // namespace

int main(int argc, char** argv) {
  // The broker is the `mosquitto` on PATH; its path, when given, only says it is there.
  if (argc < 2 || argc > 3 || std::getenv("SCKD_SIM_SYSFS") == nullptr) {
    std::fprintf(stderr, "usage: SCKD_SIM_SYSFS=DIR gpio_sim_check PATH_TO_SCKD [MOSQUITTO]\n");
    return 2;
  }
  sysfs = std::getenv("SCKD_SIM_SYSFS");
  ::setenv("SCKD_BIN", argv[1], 1);
  checkBackend();
  checkScan();
  checkDaemon();
  std::printf("GPIO_SIM_CHECK: %s\n", checkFailures() == 0 ? "PASS" : "FAIL");
  return checkFailures() == 0 ? 0 : 1;
}
