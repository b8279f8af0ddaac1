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

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "daemon/base/clock.h"
#include "daemon/cli/cli.h"
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

}  // namespace
}  // namespace sckd::testing

int main(int argc, char** argv) {
  static sckd::SystemClock clock;
  const auto unplug = sckd::testing::parseUnplug(std::getenv("SCKD_SIM_UNPLUG"));
  sckd::Hardware simulated{[unplug] { return sckd::testing::makeSimulatedBuses(clock, unplug); }};
  return sckd::runCli(argc, argv, simulated);
}
