// How fast a backlog drains: an outbox holding N readings (10 sensors, one reading each per
// second) is published to a real mosquitto on loopback with pacing off, through the same
// EventLoop, Connection, Publisher and MqttClient the daemon uses. The clock stops when the
// last PUBACK has deleted the last row. Then the same messages, byte for byte, go to the
// same broker through `mosquitto_pub -q 1 -l` (one message per line of a file), the
// floor for any libmosquitto client, for a ratio: what the outbox's reads and the deletes
// on each PUBACK cost on top of the MQTT itself.
//   drain_bench [READINGS] [MAX_ENTRIES_PER_MESSAGE]   (default 100000 60)
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_broker.h"
#include "bench/bench_process.h"
#include "daemon/base/event_loop.h"
#include "daemon/base/log.h"
#include "daemon/outbox/outbox.h"
#include "daemon/uplink/delivery.h"
#include "daemon/uplink/publisher.h"

using namespace sckd;

namespace {

// The payloads the drain will publish, in order: a Publisher of the daemon's own with the
// same settings, sending into a list and never acknowledged, so every row stays queued for
// the real drain. Where a message ends depends only on the rows and the settings (the
// publisher tops up its cache before it runs short), not on when PUBACKs come back.
std::vector<std::string> payloadsOf(Outbox& outbox, const Clock& clock,
                                    Publisher::Settings settings) {
  settings.maxInFlight = std::numeric_limits<std::size_t>::max();
  Publisher recorder(outbox, clock, settings);
  std::vector<std::string> payloads;
  recorder.connectionUp();
  recorder.pump([&](std::string_view payload) -> Result<int> {
    payloads.emplace_back(payload);
    return static_cast<int>(payloads.size());
  });
  return payloads;
}

// One payload per line, as `mosquitto_pub -l` reads them; false if one holds a newline.
bool writeLines(const std::string& path, const std::vector<std::string>& payloads) {
  std::ofstream out(path);
  for (const auto& p : payloads) {
    if (p.find('\n') != std::string::npos) return false;
    out << p << '\n';
  }
  return static_cast<bool>(out);
}

// Seconds from starting `mosquitto_pub -q 1 -l` on `file` to its exit, which comes after
// the PUBACK of its last message; negative if it failed.
double timeMosquittoPub(int port, const std::string& topic, const std::string& file,
                        const std::string& log) {
  bench::SpawnOptions options;
  options.in = file;
  options.out = log;
  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = bench::spawn({"mosquitto_pub", "-h", "127.0.0.1", "-p", std::to_string(port),
                                  "-q", "1", "-t", topic, "-l"},
                                 options);
  int status = 0;
  waitpid(pid, &status, 0);
  const double took =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? took : -1;
}

}  // namespace

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
  const std::string topic = "device/sck/bench1/readings";
  const std::vector<std::string> payloads = payloadsOf(**outbox, clock, settings);
  std::size_t payloadBytes = 0;
  for (const auto& p : payloads) payloadBytes += p.size();
  const std::string lines = broker.dir() + "/payloads.txt";
  // The first message alone: what mosquitto_pub spends whatever it sends (start, connect,
  // and, in line mode, the sleeps of 100 ms it takes at the end of its input).
  const std::string firstLine = broker.dir() + "/payload-1.txt";
  if (payloads.empty() || !writeLines(lines, payloads) || !writeLines(firstLine, {payloads[0]})) {
    std::fprintf(stderr, "drain_bench: cannot write %s (or a payload holds a newline)\n",
                 lines.c_str());
    return 1;
  }
  MqttSettings mqtt{"127.0.0.1", broker.port(), false, "", "drain-bench", 60, true, std::nullopt};
  Delivery delivery(**loop, clock, mqtt, topic, publisher);

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
  const double pub = timeMosquittoPub(broker.port(), topic, lines, broker.dir() + "/pub.log");
  const double pubOne =
      timeMosquittoPub(broker.port(), topic, firstLine, broker.dir() + "/pub-1.log");
  if (pub < 0 || pubOne < 0) {
    std::fprintf(stderr, "drain_bench: mosquitto_pub failed (see %s/pub.log.err)\n",
                 broker.dir().c_str());
    return 1;
  }
  std::printf("drain_bench: %ld readings (%d sensors x %ld s), %ld entries per message\n", readings,
              kSensors, readings / kSensors, maxEntries);
  std::printf("  messages acknowledged   %llu\n",
              static_cast<unsigned long long>(publisher.messagesAcknowledged()));
  std::printf("  readings acknowledged   %llu\n",
              static_cast<unsigned long long>(publisher.readingsAcknowledged()));
  std::printf("  connect + drain         %.3f s\n", total);
  std::printf("  drain after CONNACK     %.3f s  (%.0f readings/s)\n", draining,
              readings / draining);
  std::printf(
      "  the same messages again, one per line to mosquitto_pub -q 1 -l (start to exit):\n");
  std::printf("    %-30s %9s %13s %9s\n", "", "messages", "payload bytes", "seconds");
  std::printf("    %-30s %9llu %13zu %9.3f\n", "sckd publisher: connect+drain",
              static_cast<unsigned long long>(publisher.messagesAcknowledged()), payloadBytes,
              total);
  std::printf("    %-30s %9zu %13zu %9.3f\n", "mosquitto_pub -q 1 -l", payloads.size(),
              payloadBytes, pub);
  std::printf("    %-30s %9d %13zu %9.3f\n", "mosquitto_pub, the first alone", 1,
              payloads[0].size(), pubOne);
  std::printf("    %-30s %9s %13s %9.2f\n", "ratio sckd / mosquitto_pub", "", "", total / pub);
  // mosquitto_pub's own start and its pause at the end of its input vary by 0.1 s from run
  // to run: when they swamp the 166 other messages, there is no marginal figure to give.
  if (pub - pubOne > 0.005) {
    std::printf("    %-30s %9s %13s %9.2f\n", "ratio sckd / (all - first alone)", "", "",
                total / (pub - pubOne));
  } else {
    std::printf("    %-30s %9s %13s %9s\n", "ratio sckd / (all - first alone)", "", "",
                "n/a (noise)");
  }
  if (payloads.size() != publisher.messagesAcknowledged()) {
    std::fprintf(stderr, "drain_bench: %zu payloads rebuilt but %llu messages acknowledged\n",
                 payloads.size(),
                 static_cast<unsigned long long>(publisher.messagesAcknowledged()));
    return 1;
  }
  return publisher.readingsAcknowledged() == static_cast<unsigned long long>(readings) ? 0 : 1;
}
