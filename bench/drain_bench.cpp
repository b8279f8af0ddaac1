// How fast a backlog drains: an outbox holding N readings (10 sensors, one reading each per
// second) is published to a real mosquitto on loopback with pacing off, through the same
// EventLoop, Connection, Publisher and MqttClient the daemon uses. The clock stops when the
// last PUBACK has deleted the last row.
//   drain_bench [READINGS] [MAX_ENTRIES_PER_MESSAGE]   (default 100000 60)
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "bench/bench_broker.h"
#include "daemon/base/event_loop.h"
#include "daemon/base/log.h"
#include "daemon/outbox/outbox.h"
#include "daemon/uplink/delivery.h"
#include "daemon/uplink/publisher.h"

using namespace sckd;

int main(int argc, char** argv) {
  const long readings = argc > 1 ? std::atol(argv[1]) : 100000;
  const long maxEntries = argc > 2 ? std::atol(argv[2]) : 60;
  constexpr int kSensors = 10;
  log::setLevel(log::Level::Warning);

  bench::Broker broker;
  if (!broker.start(false)) return 1;

  const std::string path = broker.dir() + "/outbox.db";
  auto outbox = Outbox::open(path, 10'000'000'000ull);
  if (!outbox.ok()) {
    std::fprintf(stderr, "%s\n", outbox.error().message.c_str());
    return 1;
  }
  // The backlog: as the daemon would have stored it over readings/10 seconds offline.
  std::vector<NewReading> batch;
  const std::int64_t t0 = 1'795'000'000;
  for (long i = 0; i < readings; ++i) {
    batch.push_back({t0 + i / kSensors, 55 + static_cast<int>(i % kSensors),
                     std::to_string(20 + (i % 1000) / 100.0).substr(0, 5)});
    if (batch.size() == 10000 || i + 1 == readings) {
      if (!(*outbox)->commit(batch).ok()) return 1;
      batch.clear();
    }
  }

  SystemClock clock;
  auto loop = EventLoop::create({});
  if (!loop.ok()) return 1;
  Publisher::Settings settings;
  settings.maxEntriesPerMessage = static_cast<std::size_t>(maxEntries);
  settings.maxMessagesPerSecond = 0;  // pacing off: how fast can it go
  Publisher publisher(**outbox, clock, settings);
  MqttSettings mqtt{"127.0.0.1", broker.port(), false, "", "drain-bench", 60, true};
  Delivery delivery(**loop, clock, mqtt, "device/sck/bench1/readings", publisher);

  const auto start = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point connectedAt{};
  std::function<void()> watchQueue = [&] {
    if (connectedAt == std::chrono::steady_clock::time_point{} &&
        delivery.session().state() == Session::State::Connected) {
      connectedAt = std::chrono::steady_clock::now();
    }
    if ((*outbox)->queuedCount() == 0) {
      (*loop)->stop();
      return;
    }
    (*loop)->addTimer(clock.monotonic() + Millis(1), watchQueue);
  };
  delivery.start();
  watchQueue();
  if (!(*loop)->run().ok()) return 1;
  const auto end = std::chrono::steady_clock::now();
  delivery.stop();

  const double total = std::chrono::duration<double>(end - start).count();
  const double draining = std::chrono::duration<double>(end - connectedAt).count();
  std::printf("drain_bench: %ld readings (%d sensors x %ld s), %ld entries per message\n", readings,
              kSensors, readings / kSensors, maxEntries);
  std::printf("  messages acknowledged   %llu\n",
              static_cast<unsigned long long>(publisher.messagesAcknowledged()));
  std::printf("  readings acknowledged   %llu\n",
              static_cast<unsigned long long>(publisher.readingsAcknowledged()));
  std::printf("  connect + drain         %.3f s\n", total);
  std::printf("  drain after CONNACK     %.3f s  (%.0f readings/s)\n", draining,
              readings / draining);
  return publisher.readingsAcknowledged() == static_cast<unsigned long long>(readings) ? 0 : 1;
}
