#pragma once
// An SCD4x on the wire (datasheet §3): idle and periodic modes, a new value every 5 s of
// the Clock, commands not allowed while measuring NACKed, a read header NACKed before
// the 1 ms execution time or when the buffer is empty, CRC on every word.

#include <cstdint>
#include <optional>

#include "daemon/clock.h"
#include "tests/fakes/fake_i2c_bus.h"

namespace sckd::testing {

class SimScd4x final : public ChipSimulator {
 public:
  explicit SimScd4x(const Clock& clock) : clock_(clock) {}

  void setCo2(std::uint16_t ppm) { co2_ = ppm; }
  void setTemperature(double degC) { temperature_ = degC; }
  void setHumidity(double percent) { humidity_ = percent; }
  void corruptNextCrc(int word) { corruptWord_ = word; }
  void setStuck(bool stuck) { stuck_ = stuck; }
  void setRawOverride(std::uint16_t co2, std::uint16_t t, std::uint16_t rh) { raw_ = {co2, t, rh}; }
  // Already measuring, as after an sckd restart; or back to idle, as after a power cycle.
  void startMeasuring();
  void powerCycle() { periodic_ = false; }

  bool periodic() const { return periodic_; }

  Status onWrite(std::span<const std::uint8_t> bytes) override;
  Status onRead(std::span<std::uint8_t> bytes) override;

 private:
  bool dataReady() const { return periodic_ && clock_.monotonic() >= nextDataAt_; }

  const Clock& clock_;
  std::uint16_t co2_ = 734;
  double temperature_ = 23.5;
  double humidity_ = 41.0;
  int corruptWord_ = -1;
  bool stuck_ = false;
  struct Raw {
    std::uint16_t co2, t, rh;
  };
  std::optional<Raw> raw_;
  bool periodic_ = false;
  MonoTime nextDataAt_{};
  std::uint16_t pending_ = 0;
  MonoTime answerAt_{};
};

}  // namespace sckd::testing
