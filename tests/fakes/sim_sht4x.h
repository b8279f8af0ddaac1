#pragma once
// An SHT4x on the wire: one-byte single-shot commands (0xFD/0xF6/0xE0), a read header
// NACKed until the conversion is over, CRC on every word, soft reset 0x94.

#include <cstdint>

#include "daemon/clock.h"
#include "tests/fakes/fake_i2c_bus.h"

namespace sckd::testing {

class SimSht4x final : public ChipSimulator {
 public:
  explicit SimSht4x(const Clock& clock) : clock_(clock) {}

  void setTemperature(double degC) { temperature_ = degC; }
  void setHumidity(double percent) { humidity_ = percent; }
  void corruptNextCrc(int word = 0) { corruptWord_ = word; }
  void setStuck(bool stuck) { stuck_ = stuck; }
  void setRawOverride(std::uint16_t t, std::uint16_t rh) {
    rawT_ = t;
    rawRh_ = rh;
    override_ = true;
  }
  int softResets() const { return softResets_; }

  Status onWrite(std::span<const std::uint8_t> bytes) override;
  Status onRead(std::span<std::uint8_t> bytes) override;

 private:
  const Clock& clock_;
  double temperature_ = 21.5;
  double humidity_ = 45.0;
  int corruptWord_ = -1;
  bool stuck_ = false;
  bool override_ = false;
  std::uint16_t rawT_ = 0;
  std::uint16_t rawRh_ = 0;
  int softResets_ = 0;
  bool pending_ = false;
  MonoTime readyAt_{};
};

}  // namespace sckd::testing
