#pragma once
// An SCD30 on the wire (interface description v1.0): 16-bit commands with CRC'd arguments,
// continuous measurement at the configured interval against the Clock, data-ready, three
// big-endian floats. It refuses a repeated START, as the real module does.

#include <cstdint>
#include <optional>
#include <vector>

#include "daemon/base/clock.h"
#include "tests/fakes/sim_sensirion.h"

namespace sckd::testing {

class SimScd30 final : public SensirionSim {
 public:
  explicit SimScd30(const Clock& clock) : SensirionSim(clock) {}

  void setCo2(float ppm) { co2_ = ppm; }
  void setTemperature(float degC) { temperature_ = degC; }
  void setHumidity(float percent) { humidity_ = percent; }
  // Faults: corruptNextCrc(word) hits the next measurement frame; floats read all ones;
  // not an SCD30 (NACKs the firmware-version command); a power cycle (stops measuring).
  void setStuck(bool stuck) { stuck_ = stuck; }
  void setNotScd30(bool v) { notScd30_ = v; }
  void powerCycle() { measuring_ = false; }

  bool measuring() const { return measuring_; }
  std::optional<std::uint16_t> pressureArgument() const { return pressure_; }
  std::uint16_t interval() const { return interval_; }
  int writeReadsRefused() const { return writeReadsRefused_; }

  Status onWrite(std::span<const std::uint8_t> bytes) override;
  Status onRead(std::span<std::uint8_t> bytes) override;
  Status onWriteRead(std::span<const std::uint8_t> out, std::span<std::uint8_t> in) override;

 private:
  bool dataReady() const { return measuring_ && clock_.monotonic() >= nextDataAt_; }

  float co2_ = 612.5f;
  float temperature_ = 22.25f;
  float humidity_ = 48.0f;
  bool stuck_ = false;
  bool notScd30_ = false;
  bool measuring_ = false;
  std::optional<std::uint16_t> pressure_;
  std::uint16_t interval_ = 2;
  MonoTime nextDataAt_{};
  std::uint16_t pending_ = 0;  // the command whose answer the next read returns
  int writeReadsRefused_ = 0;
};

}  // namespace sckd::testing
