#pragma once
// An ADS1115 / ADS1015 as its datasheet describes it (TI SBAS444 / SBAS473): a pointer
// register, the config register (single-shot: OS=1 starts a conversion, OS reads 0 while it
// runs) and the conversion register, which keeps the previous result until the conversion
// time (1 / data rate) has passed on the Clock.

#include <array>
#include <cstdint>

#include "daemon/base/clock.h"
#include "tests/fakes/fake_i2c_bus.h"

namespace sckd::testing {

class SimAds1x15 final : public ChipSimulator {
 public:
  SimAds1x15(const Clock& clock, bool twelveBit) : clock_(clock), twelveBit_(twelveBit) {}

  // The voltage on AINx against GND.
  void setVoltage(int pin, double volts) { volts_.at(static_cast<std::size_t>(pin)) = volts; }
  // Not an ADS1x15: writes to the config register are ignored (it keeps its reset value).
  void setIgnoresConfig(bool on) { ignoresConfig_ = on; }
  // The conversion never finishes (OS stays 0), e.g. a chip stuck in a bad state.
  void setStuckConverting(bool on) { stuckConverting_ = on; }

  std::uint16_t config() const { return config_; }
  int conversions() const { return conversions_; }

  Status onWrite(std::span<const std::uint8_t> bytes) override;
  Status onRead(std::span<std::uint8_t> bytes) override;

 private:
  bool converting() const;
  std::uint16_t convert() const;

  const Clock& clock_;
  bool twelveBit_;
  std::array<double, 4> volts_{};
  std::uint8_t pointer_ = 0;
  std::uint16_t config_ = 0x8583;  // the reset value
  std::uint16_t conversion_ = 0;
  std::uint16_t pending_ = 0;
  MonoTime doneAt_{};
  bool pendingValid_ = false;
  bool ignoresConfig_ = false;
  bool stuckConverting_ = false;
  int conversions_ = 0;
};

}  // namespace sckd::testing
