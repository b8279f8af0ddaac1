#pragma once
// An SCD4x on the wire (datasheet §3): idle and periodic modes, a new value every 5 s of
// the Clock, commands not allowed while measuring NACKed, a read header NACKed before
// the 1 ms execution time or when the buffer is empty, CRC on every word.

#include <cstdint>
#include <optional>

#include "daemon/base/clock.h"
#include "tests/fakes/sim_sensirion.h"

namespace sckd::testing {

// corruptNextCrc(word) (SensirionSim) hits the next measurement frame.
class SimScd4x final : public SensirionSim {
 public:
  explicit SimScd4x(const Clock& clock) : SensirionSim(clock) {}

  void setCo2(std::uint16_t ppm) { co2_ = ppm; }
  void setTemperature(double degC) { temperature_ = degC; }
  void setHumidity(double percent) { humidity_ = percent; }
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

  std::uint16_t co2_ = 734;
  double temperature_ = 23.5;
  double humidity_ = 41.0;
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
