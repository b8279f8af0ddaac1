// The whole daemon in-process, on an injected clock: its readings carry the clock's wall
// time (here a date years ahead), the sim counter's value is that stamp, and SIGTERM stops
// it with exit code 0. The broker is away, so every reading stays in the outbox to look at.
#include "daemon/daemon.h"

#include <gtest/gtest.h>
#include <pthread.h>

#include <csignal>
#include <fstream>
#include <thread>

#include "daemon/outbox/outbox.h"
#include "tests/fakes/fake_gpio.h"
#include "tests/fakes/fake_i2c_bus.h"
#include "tests/fakes/fake_wall_clock.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_broker.h"

namespace sckd::testing {
namespace {

using namespace std::chrono_literals;

constexpr std::int64_t k2031 = 1924992000;  // 2031-01-01T00:00:00Z

std::string writeConfig(const TempDir& dir) {
  const std::string path = dir.path() + "/sckd.yaml";
  std::ofstream(path) << "platform:\n"
                         "  token: \"dmn001\"\n"
                         "  host: 127.0.0.1\n"
                         "  port: "
                      << freeTcpPort()
                      << "\n"
                         "  tls: false\n"
                         "outbox:\n"
                         "  path: "
                      << dir.path()
                      << "/outbox.db\n"
                         "sensors:\n"
                         "  - name: counter\n"
                         "    driver: sim\n"
                         "    waveform: counter\n"
                         "    id: 55\n"
                         "    interval: 1s\n";
  return path;
}

// Runs the daemon on this thread until SIGTERM arrives after `runFor`.
int runDaemonFor(const std::string& config, const Clock& clock, std::chrono::milliseconds runFor) {
  // Blocked here first (the loop blocks it too), so the signal waits for the signalfd and
  // can never take the default action.
  sigset_t term;
  sigemptyset(&term);
  sigaddset(&term, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &term, nullptr);
  const pthread_t self = pthread_self();
  std::thread stopper([self, runFor] {
    std::this_thread::sleep_for(runFor);
    pthread_kill(self, SIGTERM);
  });
  Hardware hardware{[] { return std::make_unique<FakeI2cBuses>(); },
                    [] { return std::make_unique<testing::FakeGpioChips>(); }};
  const int code = Daemon::run(config, hardware, clock);
  stopper.join();
  return code;
}

TEST(Daemon, StampsReadingsWithItsClockAndStopsCleanly) {
  TempDir dir;
  const std::string config = writeConfig(dir);
  FakeWallClock clock{WallTime(std::chrono::seconds(k2031))};
  ASSERT_EQ(runDaemonFor(config, clock, 3500ms), 0);

  auto outbox = Outbox::open(dir.path() + "/outbox.db", 10'000'000);
  ASSERT_TRUE(outbox.ok()) << outbox.error().message;
  auto rows = (*outbox)->fetchAfter(0, 100);
  ASSERT_TRUE(rows.ok());
  ASSERT_GE(rows->size(), 2u);
  for (const StoredReading& r : *rows) {
    EXPECT_GE(r.recordedAt, k2031);
    EXPECT_LT(r.recordedAt, k2031 + 30);
    EXPECT_EQ(r.sensorId, 55);
    EXPECT_EQ(r.value, std::to_string(r.recordedAt));  // the counter is its own stamp
  }
}

TEST(Daemon, AConfigErrorExitsWithCodeOne) {
  TempDir dir;
  const std::string path = dir.path() + "/sckd.yaml";
  std::ofstream(path) << "platform:\n  token: \"\"\n";
  FakeWallClock clock{WallTime(std::chrono::seconds(k2031))};
  Hardware hardware{[] { return std::make_unique<FakeI2cBuses>(); },
                    [] { return std::make_unique<testing::FakeGpioChips>(); }};
  EXPECT_EQ(Daemon::run(path, hardware, clock), kExitConfig);
}

}  // namespace
}  // namespace sckd::testing
