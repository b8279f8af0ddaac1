#pragma once
// An SHT3x as its datasheet describes it on the wire: single-shot commands 0x24xx, a read
// header NACKed until the conversion is over, CRC on every word, soft reset and status.

#include <cstdint>
#include <vector>

#include "daemon/clock.h"
#include "tests/fakes/fake_i2c_bus.h"

namespace sckd::testing {

class SimSht3x final : public ChipSimulator {
 public:
  explicit SimSht3x(const Clock& clock) : clock_(clock) {}

  void setTemperature(double degC) { temperature_ = degC; }
  void setHumidity(double percent) { humidity_ = percent; }
  // Faults: the next result frame's word `word` gets a wrong CRC; results read all ones
  // (no data); the chip is not an SHT3x (NACKs the status command).
  void corruptNextCrc(int word = 0) { corruptWord_ = word; }
  void setStuck(bool stuck) { stuck_ = stuck; }
  void setRawOverride(std::uint16_t t, std::uint16_t rh) {
    rawT_ = t;
    rawRh_ = rh;
    override_ = true;
  }
  void setNotSht3x(bool v) { notSht3x_ = v; }

  int softResets() const { return softResets_; }
  const std::vector<std::uint16_t>& commands() const { return commands_; }

  Status onWrite(std::span<const std::uint8_t> bytes) override;
  Status onRead(std::span<std::uint8_t> bytes) override;

 private:
  enum class Pending { None, Measurement, Status };

  const Clock& clock_;
  double temperature_ = 21.5;
  double humidity_ = 45.0;
  int corruptWord_ = -1;
  bool stuck_ = false;
  bool override_ = false;
  std::uint16_t rawT_ = 0;
  std::uint16_t rawRh_ = 0;
  bool notSht3x_ = false;
  int softResets_ = 0;
  Pending pending_ = Pending::None;
  MonoTime readyAt_{};
  std::vector<std::uint16_t> commands_;
};

}  // namespace sckd::testing
