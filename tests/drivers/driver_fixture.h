#pragma once
// One fixture for the driver tests: a fake clock, fake I2C buses (the chip simulators sit
// on them), fake GPIO chips with the loop's fd watching faked, a driver built from a SensorConfig
// or from a YAML entry the way the daemon builds it, and one measurement cycle run the way the
// sampler runs it.

#include <gtest/gtest.h>

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/config.h"
#include "drivers/driver.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/fake_fd_watcher.h"
#include "tests/fakes/fake_gpio.h"
#include "tests/fakes/fake_i2c_bus.h"
#include "tests/fakes/fake_offload.h"

namespace sckd::testing {

// The head of a config file; a test appends its `sensors:` entries.
inline const std::string kConfigHead = "platform:\n  token: abc123\n  tls: false\nsensors:\n";

// A sensor named `name` on bus 1 at `address`, for the registry row `driver`.
inline SensorConfig i2cSensor(std::string driver, int address, DriverOptions options = {},
                              std::string name = "t") {
  SensorConfig c;
  c.name = std::move(name);
  c.driver = std::move(driver);
  c.bus = 1;
  c.address = address;
  c.options = std::move(options);
  return c;
}

// parseConfig() of kConfigHead + `entry` fails, and its message contains `fragment` (the
// sensor and key the user must fix).
inline ::testing::AssertionResult configRejects(const std::string& entry,
                                                const std::string& fragment) {
  Result<Config> c = parseConfig(kConfigHead + entry, "/etc/sckd.yaml", driverSchemas());
  if (c.ok()) return ::testing::AssertionFailure() << "accepted:\n" << entry;
  if (c.error().message.find(fragment) == std::string::npos) {
    return ::testing::AssertionFailure()
           << "'" << c.error().message << "' does not contain '" << fragment << "'";
  }
  return ::testing::AssertionSuccess();
}

// The assertions the drivers' fault-path tests share. `m` (a measurement, a start, a
// create) failed with `code`; `fragment`, when given, is a hint the user must see in the
// message (the chip to use instead, the command that failed).
template <typename T>
::testing::AssertionResult failsWith(const Result<T>& m, ErrorCode code,
                                     std::string_view fragment = {}) {
  if (m.ok()) return ::testing::AssertionFailure() << "succeeded, expected an error";
  if (m.error().code != code) {
    return ::testing::AssertionFailure()
           << "code " << errorCodeName(m.error().code) << ", expected " << errorCodeName(code)
           << ": " << m.error().message;
  }
  if (m.error().message.find(fragment) == std::string::npos) {
    return ::testing::AssertionFailure()
           << "'" << m.error().message << "' does not contain '" << fragment << "'";
  }
  return ::testing::AssertionSuccess();
}

// A quantity that failed within a measurement: its code, and its name, which the message
// starts with ("temperature: ...") so the user knows which value is missing.
struct QuantityFailure {
  ErrorCode code;
  std::string quantity;
  bool operator==(const QuantityFailure&) const = default;
};

// `m` succeeded with samples of exactly `quantities` (in that order) and exactly `failures`.
inline ::testing::AssertionResult measuredExactly(const Result<Measurement>& m,
                                                  std::vector<std::size_t> quantities,
                                                  std::vector<QuantityFailure> failures = {}) {
  if (!m.ok()) return ::testing::AssertionFailure() << "failed: " << m.error().message;
  std::vector<std::size_t> gotQuantities;
  for (const Sample& s : m->samples) gotQuantities.push_back(s.quantity);
  std::vector<QuantityFailure> gotFailures;
  for (const Error& e : m->failures) {
    gotFailures.push_back({e.code, e.message.substr(0, e.message.find(':'))});
  }
  if (gotQuantities != quantities || gotFailures != failures) {
    ::testing::AssertionResult out = ::testing::AssertionFailure();
    out << "samples of quantities";
    for (std::size_t q : gotQuantities) out << " " << q;
    out << "; failures:";
    for (const Error& e : m->failures)
      out << " [" << errorCodeName(e.code) << "] '" << e.message << "'";
    return out;
  }
  return ::testing::AssertionSuccess();
}

// `m` succeeded with a sample of each of quantities 0..count-1 and no failure.
inline ::testing::AssertionResult measuredAll(const Result<Measurement>& m, std::size_t count) {
  std::vector<std::size_t> all(count);
  for (std::size_t q = 0; q < count; ++q) all[q] = q;
  return measuredExactly(m, all);
}

class DriverFixture : public ::testing::Test {
 protected:
  FakeI2cBus& bus(int number = 1) { return buses_.fake(number); }

  // The registry's driver for `config`, created as the daemon creates it; a failure fails
  // the test. The config lives as long as the fixture: a driver may keep referring to it.
  std::unique_ptr<Driver> makeDriver(SensorConfig config) {
    const SensorConfig& kept = configs_.emplace_back(std::move(config));
    const DriverInfo* info = findDriver(kept.driver);
    if (info == nullptr) {
      ADD_FAILURE() << "no driver " << kept.driver;
      return nullptr;
    }
    auto d = info->create(DriverContext{kept, clock_, buses_, fds_, &gpio_, host_, offload_});
    if (!d.ok()) {
      ADD_FAILURE() << d.error().message;
      return nullptr;
    }
    return std::move(*d);
  }

  // The first sensor of kConfigHead + `entry`, parsed and validated as the daemon does (the
  // result stays in config_), then created.
  std::unique_ptr<Driver> makeDriverFromYaml(const std::string& entry) {
    Result<Config> c = parseConfig(kConfigHead + entry, "t.yaml", driverSchemas());
    if (!c.ok()) {
      ADD_FAILURE() << c.error().message;
      return nullptr;
    }
    config_ = std::move(*c);
    return makeDriver(config_.sensors.at(0));
  }

  // One reading as the sampler takes it: start(), the clock advanced by the delay it asked
  // for, collect(), and collect() again after each continueAfter a multi-step driver asks
  // for, the steps' samples and failures merged.
  Result<Measurement> measure(Driver& d) {
    Millis elapsed(0);
    return cycle(d, elapsed);
  }

  // The same inside a sampler loop of `period`: whatever happens, the clock ends one period
  // after the start, where the next reading begins.
  Result<Measurement> measureEvery(Driver& d, Millis period) {
    Millis elapsed(0);
    Result<Measurement> m = cycle(d, elapsed);
    clock_.advance(period - elapsed);
    return m;
  }

  // One cycle's shape: start() asks for `delay` and its last transfer is `write` (as the
  // transcript spells it, "w 0x44: 24 00"); collect() after that delay succeeds.
  ::testing::AssertionResult cycleSends(Driver& d, std::string_view write, Millis delay) {
    Result<Millis> asked = d.start(SampleContext{clock_.wall()});
    if (!asked.ok()) return ::testing::AssertionFailure() << asked.error().message;
    if (*asked != delay) {
      return ::testing::AssertionFailure()
             << "delay " << asked->count() << " ms, expected " << delay.count();
    }
    if (bus().transcript().empty() || bus().transcript().back() != write) {
      return ::testing::AssertionFailure()
             << "last transfer '" << (bus().transcript().empty() ? "" : bus().transcript().back())
             << "', expected '" << write << "'";
    }
    clock_.advance(*asked);
    Result<Measurement> m = d.collect();
    if (!m.ok()) return ::testing::AssertionFailure() << m.error().message;
    return ::testing::AssertionSuccess();
  }

  // The value of quantity `q` in `m`, if it has one.
  static std::optional<double> value(const Measurement& m, std::size_t q) {
    for (const Sample& s : m.samples) {
      if (s.quantity == q) return s.value;
    }
    return std::nullopt;
  }

  FakeClock clock_;
  FakeI2cBuses buses_;
  FakeGpioChips gpio_;
  FakeFdWatcher fds_;
  HostPaths host_;  // the real paths unless a test points them at its own tree
  FakeOffload offload_;
  Config config_;  // the last one makeDriverFromYaml() parsed

 private:
  Result<Measurement> cycle(Driver& d, Millis& elapsed) {
    Result<Millis> delay = d.start(SampleContext{clock_.wall()});
    if (!delay.ok()) return delay.error();
    clock_.advance(*delay);
    elapsed += *delay;
    Measurement whole;
    for (;;) {
      Result<Measurement> step = d.collect();
      if (!step.ok()) return step;
      whole.samples.insert(whole.samples.end(), step->samples.begin(), step->samples.end());
      whole.failures.insert(whole.failures.end(), step->failures.begin(), step->failures.end());
      if (!step->continueAfter) return whole;
      clock_.advance(*step->continueAfter);
      elapsed += *step->continueAfter;
    }
  }

  std::deque<SensorConfig> configs_;
};

}  // namespace sckd::testing
