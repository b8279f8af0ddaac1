// `sckd check`: everything a user wants to know before `systemctl restart sckd`.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "config/config.h"
#include "daemon/base/clock.h"
#include "daemon/base/event_loop.h"
#include "daemon/cli/commands.h"
#include "daemon/cli/config_file.h"
#include "daemon/outbox/outbox.h"
#include "daemon/sampling/sampler.h"
#include "daemon/sampling/sensor_setup.h"
#include "daemon/uplink/payload.h"
#include "daemon/uplink/session.h"
#include "drivers/driver.h"

namespace sckd {
namespace {

constexpr auto kBrokerTimeout = Seconds(10);

struct Row {
  std::string sensor, driver, where, id, quantity, value, unit;
};

void printTable(const std::vector<Row>& rows) {
  const Row header{"SENSOR", "DRIVER", "BUS/ADDRESS", "ID", "QUANTITY", "VALUE", "UNIT"};
  std::vector<Row> all{header};
  all.insert(all.end(), rows.begin(), rows.end());
  std::size_t w[6] = {};
  for (const Row& r : all) {
    const std::string* cols[6] = {&r.sensor, &r.driver, &r.where, &r.id, &r.quantity, &r.value};
    for (int i = 0; i < 6; ++i) w[i] = std::max(w[i], cols[i]->size());
  }
  for (const Row& r : all) {
    std::printf("%-*s  %-*s  %-*s  %-*s  %-*s  %-*s  %s\n", int(w[0]), r.sensor.c_str(), int(w[1]),
                r.driver.c_str(), int(w[2]), r.where.c_str(), int(w[3]), r.id.c_str(), int(w[4]),
                r.quantity.c_str(), int(w[5]), r.value.c_str(), r.unit.c_str());
  }
}

std::string whereOf(const SensorConfig& s) {
  if (hasOption(s, "chip") && hasOption(s, "line")) {
    return optionString(s, "chip") + ":" + optionString(s, "line");
  }
  if (hasOption(s, "port")) return optionString(s, "port");  // a UART sensor
  if (!s.bus || !s.address) return "-";
  char text[32];
  std::snprintf(text, sizeof text, "i2c-%d:0x%02x", *s.bus, *s.address);
  return text;
}

constexpr int kWarmupAttempts = 8;

// One measurement as the sampler takes it, but simply waiting: a one-shot command may.
Result<Measurement> measureOnce(Driver& driver, const Clock& clock) {
  Result<Millis> delay = driver.start(SampleContext{clock.wall()});
  if (!delay.ok()) return delay.error();
  std::this_thread::sleep_for(*delay);
  Measurement whole;
  for (;;) {
    Result<Measurement> step = driver.collect();
    if (!step.ok()) return step;
    whole.append(*step);
    if (!step->continueAfter) return whole;
    std::this_thread::sleep_for(*step->continueAfter);
  }
}

// Takes one reading from one sensor; adds its rows; returns false if anything failed.
bool checkSensor(const SensorConfig& config, const Clock& clock, I2cBuses& buses, GpioChips& gpio,
                 std::vector<Row>& rows, std::vector<std::string>& notes) {
  Row base{config.name, config.driver, whereOf(config), "", "", "", ""};
  Result<Sampler::Sensor> sensor = createSensor(config, clock, buses, gpio);
  if (!sensor.ok()) {
    base.value = "ERROR: " + sensor.error().message;
    rows.push_back(base);
    return false;
  }
  // Drivers that spend their first readings on start-up steps (SPS30, SEN5x) return neither
  // values nor failures for those: give them a few seconds, as the daemon would.
  Result<Measurement> measured = measureOnce(*sensor->driver, clock);
  for (int attempt = 1; attempt < kWarmupAttempts && measured.ok() && measured->samples.empty() &&
                        measured->failures.empty();
       ++attempt) {
    std::this_thread::sleep_for(Seconds(1));
    measured = measureOnce(*sensor->driver, clock);
  }
  bool ok = true;
  const auto& quantities = sensor->info->quantities;
  for (std::size_t q = 0; q < quantities.size(); ++q) {
    Row row = base;
    const Quantity& quantity = quantities[q];
    row.quantity = std::string(quantity.name);
    row.unit = std::string(quantity.unit);
    auto id = config.ids.find(quantity.name);
    row.id = id != config.ids.end() ? std::to_string(id->second) : "-";
    if (id != config.ids.end() && quantity.genericId && id->second == quantity.defaultId) {
      row.id += "*";
      notes.push_back(config.name + " " + std::string(quantity.name) + ": id " +
                      std::to_string(id->second) +
                      " is the generic id for this quantity (the "
                      "platform has no id for this chip); set `ids:` to override");
    }
    if (!measured.ok() && measured.error().code == ErrorCode::Unsupported) {
      // Measured only by the daemon (a pulse count needs its loop): a note, not a failure.
      row.value = "(sckd run)";
      if (q == 0) notes.push_back(config.name + ": " + measured.error().message);
    } else if (!measured.ok()) {
      row.value = "ERROR: " + measured.error().message;
      ok = false;
    } else {
      // A quantity the driver was configured not to measure (LPS33HW temperature by
      // default) has neither a sample nor a failure: shown as off, not as an error.
      row.value = measured->failures.empty() ? "(off)" : "ERROR";
      for (const Sample& sample : measured->samples) {
        if (sample.quantity != q) continue;
        // Calibrated as the daemon stores it; one sample, so never averaged.
        const double value =
            sample.isRecordedAt ? sample.value : calibrated(config, quantity.name, sample.value);
        Result<std::string> text = formatValue(value, quantity.decimals);
        row.value = text.ok() ? *text : "ERROR: " + text.error().message;
      }
      if (row.value == "ERROR") {
        for (const Error& e : measured->failures)
          row.value += (row.value == "ERROR" ? ": " : "; ") + e.message;
      }
      if (row.value.rfind("ERROR", 0) == 0) ok = false;
    }
    rows.push_back(row);
  }
  return ok;
}

bool checkOutbox(const OutboxConfig& outbox) {
  namespace fs = std::filesystem;
  const fs::path path(outbox.path);
  const fs::path dir = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    std::printf("outbox   FAILED: directory %s does not exist\n", dir.c_str());
    return false;
  }
  if (access(dir.c_str(), W_OK) != 0) {
    std::printf("outbox   FAILED: directory %s is not writable by this user\n", dir.c_str());
    return false;
  }
  if (!fs::exists(path, ec)) {
    std::printf("outbox   ok: %s will be created\n", path.c_str());
    return true;
  }
  Result<OutboxStats> stats = Outbox::readStats(outbox.path);
  if (!stats.ok()) {
    std::printf("outbox   FAILED: %s\n", stats.error().message.c_str());
    return false;
  }
  std::printf("outbox   ok: %s, %llu readings queued\n", path.c_str(),
              static_cast<unsigned long long>(stats->queued));
  return true;
}

// Connects once (TLS as configured) through the daemon's own session, as
// "<client id>-check" so a running daemon is not knocked off; publishes nothing.
bool checkBroker(const PlatformConfig& platform, const Clock& clock) {
  const std::string endpoint =
      platform.host + ":" + std::to_string(platform.port) + (platform.tls ? " (TLS)" : "");
  std::string failure;
  auto loop = EventLoop::create({});
  if (!loop.ok()) {
    failure = loop.error().message;
  } else {
    EventLoop& events = **loop;
    // Either handler ends the check; stop() before run() makes run() return at once.
    Session session(events, clock, mqttSettings(platform, "-check"),
                    Session::Handlers{.connected = [&] { events.stop(); },
                                      .disconnected =
                                          [&](const Error& why) {
                                            failure = why.message;
                                            events.stop();
                                          },
                                      .published = nullptr,
                                      .message = nullptr},
                    Session::Options{.reconnect = false, .log = false});
    events.addTimer(clock.monotonic() + kBrokerTimeout, [&] {
      failure = "no answer within " + std::to_string(kBrokerTimeout.count()) + " s";
      events.stop();
    });
    if (Status started = session.start(); !started.ok()) {
      failure = started.error().message;
    } else {
      (void)events.run();
    }
    session.stop();
  }
  if (!failure.empty()) {
    std::printf("broker   FAILED: %s: %s\n", endpoint.c_str(), failure.c_str());
    return false;
  }
  std::printf("broker   ok: %s accepted a connection\n", endpoint.c_str());
  return true;
}

}  // namespace

int checkCommand(const CheckOptions& options, const Hardware& hardware) {
  Result<Config> config = loadCommandConfig(options.configPath);
  if (!config.ok()) {
    std::fprintf(stderr, "%s\n", config.error().message.c_str());
    return 1;
  }
  std::printf("config   ok: %s, %zu sensors\n", options.configPath.c_str(), config->sensors.size());
  if (options.configOnly) return 0;

  SystemClock clock;
  bool ok = checkOutbox(config->outbox);
  if (!options.offline) ok = checkBroker(config->platform, clock) && ok;
  std::vector<Row> rows;
  std::vector<std::string> notes;
  auto buses = hardware.makeI2cBuses();
  auto gpio = hardware.makeGpioChips();
  for (const SensorConfig& sensor : config->sensors) {
    ok = checkSensor(sensor, clock, *buses, *gpio, rows, notes) && ok;
  }
  std::printf("\n");
  printTable(rows);
  for (const std::string& note : notes) std::printf("* %s\n", note.c_str());
  if (config->clock.requireSync && !clock.synchronized()) {
    std::printf(
        "\nnote: the system clock is not synchronised yet; the daemon stores its readings "
        "with the time since boot and sends them once it is (clock.require_sync)\n");
  }
  return ok ? 0 : kExitCheckFailed;
}

}  // namespace sckd
