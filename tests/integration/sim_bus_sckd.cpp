// sckd with simulated I2C hardware: the real CLI, daemon, drivers, outbox and MQTT client,
// but /dev/i2c-1 replaced by a fake bus carrying the datasheet simulators of the chips the
// end-to-end test wires up. Built only with the tests, never installed.
//
// Bus 1 carries, at their default addresses:
//   0x76 BME280  21.50 degC, 100.812 kPa, 45.00 %RH
//   0x44 SHT31   18.75 degC, 61.50 %RH
//   0x61 SCD30   612 ppm, 24.00 degC, 52.00 %RH
// SCKD_SIM_UNPLUG=0xAA:S makes the chip at 0xAA NACK everything for its first S seconds,
// as a chip on a loose wire would, to prove the daemon carries on and recovers.
//
// GPIO: gpiochip0, labelled pinctrl-bcm2711, with 58 lines named GPIO0..GPIO57, as on a
// Pi 4. SCKD_SIM_PULSES=17:10,27:4 drives line 17 with 10 pulses per second and line 27
// with 4 (a falling edge, then a rising one half a period later); SCKD_SIM_TOGGLE=22:3
// flips line 22 every 3 s. Edges carry CLOCK_MONOTONIC timestamps, as the kernel's do.

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "daemon/base/clock.h"
#include "daemon/cli/cli.h"
#include "tests/fakes/fake_gpio.h"
#include "tests/fakes/fake_i2c_bus.h"
#include "tests/fakes/sim_bme280.h"
#include "tests/fakes/sim_scd30.h"
#include "tests/fakes/sim_sht3x.h"

namespace sckd::testing {
namespace {

// A chip that does not answer (NACKs, like a pulled wire) until `until`, then behaves.
class UnpluggedUntil final : public ChipSimulator {
 public:
  UnpluggedUntil(std::shared_ptr<ChipSimulator> chip, const Clock& clock, MonoTime until)
      : chip_(std::move(chip)), clock_(clock), until_(until) {}
  Status onWrite(std::span<const std::uint8_t> bytes) override {
    return plugged() ? chip_->onWrite(bytes) : Status(nack());
  }
  Status onRead(std::span<std::uint8_t> bytes) override {
    return plugged() ? chip_->onRead(bytes) : Status(nack());
  }
  Status onWriteRead(std::span<const std::uint8_t> out, std::span<std::uint8_t> in) override {
    return plugged() ? chip_->onWriteRead(out, in) : Status(nack());
  }

 private:
  bool plugged() const { return clock_.monotonic() >= until_; }
  std::shared_ptr<ChipSimulator> chip_;
  const Clock& clock_;
  MonoTime until_;
};

struct Unplug {
  int address = -1;
  int seconds = 0;
};

// "0x61:6" -> {0x61, 6}; anything else is a usage error of this test binary.
Unplug parseUnplug(const char* text) {
  Unplug unplug;
  if (text == nullptr || *text == '\0') return unplug;
  char* end = nullptr;
  const long address = std::strtol(text, &end, 0);
  if (*end != ':' || address < 0x08 || address > 0x77) {
    std::fprintf(stderr, "SCKD_SIM_UNPLUG: expected 0xAA:SECONDS, got '%s'\n", text);
    std::exit(64);
  }
  unplug.address = static_cast<int>(address);
  unplug.seconds = std::atoi(end + 1);
  return unplug;
}

std::unique_ptr<I2cBuses> makeSimulatedBuses(const Clock& clock, Unplug unplug) {
  auto buses = std::make_unique<FakeI2cBuses>();
  FakeI2cBus& bus = buses->fake(1);

  auto bme280 = std::make_shared<SimBme280>(clock);
  bme280->setTemperature(21.5);
  bme280->setPressure(100.812);
  bme280->setHumidity(45.0);
  auto sht31 = std::make_shared<SimSht3x>(clock);
  sht31->setTemperature(18.75);
  sht31->setHumidity(61.5);
  auto scd30 = std::make_shared<SimScd30>(clock);
  scd30->setCo2(612.0f);
  scd30->setTemperature(24.0f);
  scd30->setHumidity(52.0f);

  const MonoTime until = clock.monotonic() + std::chrono::seconds(unplug.seconds);
  auto attach = [&](std::uint8_t address, std::shared_ptr<ChipSimulator> chip) {
    if (address == unplug.address) {
      chip = std::make_shared<UnpluggedUntil>(std::move(chip), clock, until);
    }
    bus.attach(address, std::move(chip));
  };
  attach(0x76, bme280);
  attach(0x44, sht31);
  attach(0x61, scd30);
  return buses;
}

// "17:10,27:4" -> {{17, 10}, {27, 4}}; anything else is a usage error of this test binary.
std::vector<std::pair<unsigned, double>> parseLineList(const char* name) {
  std::vector<std::pair<unsigned, double>> out;
  const char* text = std::getenv(name);
  while (text != nullptr && *text != '\0') {
    char* end = nullptr;
    const unsigned long line = std::strtoul(text, &end, 10);
    if (*end != ':' || line > 57) {
      std::fprintf(stderr, "%s: expected LINE:NUMBER[,...], got '%s'\n", name, text);
      std::exit(64);
    }
    const double number = std::strtod(end + 1, &end);
    if (number <= 0 || (*end != ',' && *end != '\0')) {
      std::fprintf(stderr, "%s: expected LINE:NUMBER[,...], got '%s'\n", name, text);
      std::exit(64);
    }
    out.emplace_back(static_cast<unsigned>(line), number);
    text = *end == ',' ? end + 1 : end;
  }
  return out;
}

// Edges on a line from a thread of their own, as a wire would bring them, at `period`:
// a falling edge, then a rising one half a period later (a pulse); or a flip (a toggle).
void driveLine(FakeGpioChips& chips, unsigned line, std::chrono::nanoseconds period, bool pulse) {
  std::thread([&chips, line, period, pulse] {
    auto next = std::chrono::steady_clock::now() + period;
    bool level = true;
    for (;;) {
      std::this_thread::sleep_until(next);
      const auto at = [](std::chrono::steady_clock::time_point t) {
        return std::chrono::duration_cast<Nanos>(t.time_since_epoch());
      };
      if (pulse) {
        chips.edge("gpiochip0", line, false, at(next));
        std::this_thread::sleep_until(next + period / 2);
        chips.edge("gpiochip0", line, true, at(next + period / 2));
      } else {
        level = !level;
        chips.edge("gpiochip0", line, level, at(next));
      }
      next += period;
    }
  }).detach();
}

// Hands the daemon the one simulated chip set, which outlives it (the threads driving its
// lines run until the process exits).
class SharedGpioChips final : public GpioChips {
 public:
  explicit SharedGpioChips(FakeGpioChips& chips) : chips_(chips) {}
  Result<std::vector<GpioChipInfo>> list() override { return chips_.list(); }
  Result<std::unique_ptr<GpioLine>> request(const GpioLineRequest& r) override {
    return chips_.request(r);
  }

 private:
  FakeGpioChips& chips_;
};

FakeGpioChips& simulatedGpio() {
  static FakeGpioChips& chips = *[] {
    auto* c = new FakeGpioChips;  // never freed: its threads run until exit
    std::vector<std::string> names;
    for (int i = 0; i < 58; ++i) names.push_back("GPIO" + std::to_string(i));
    c->addChip("gpiochip0", "pinctrl-bcm2711", 58, names);
    for (auto [line, hz] : parseLineList("SCKD_SIM_PULSES")) {
      driveLine(*c, line, std::chrono::nanoseconds(static_cast<std::int64_t>(1e9 / hz)), true);
    }
    for (auto [line, seconds] : parseLineList("SCKD_SIM_TOGGLE")) {
      driveLine(*c, line, std::chrono::nanoseconds(static_cast<std::int64_t>(seconds * 1e9)),
                false);
    }
    return c;
  }();
  return chips;
}

}  // namespace
}  // namespace sckd::testing

int main(int argc, char** argv) {
  static sckd::SystemClock clock;
  const auto unplug = sckd::testing::parseUnplug(std::getenv("SCKD_SIM_UNPLUG"));
  sckd::Hardware simulated{
      [unplug] { return sckd::testing::makeSimulatedBuses(clock, unplug); },
      [] {
        return std::make_unique<sckd::testing::SharedGpioChips>(sckd::testing::simulatedGpio());
      }};
  return sckd::runCli(argc, argv, simulated);
}
