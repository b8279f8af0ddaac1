#pragma once
// An SHT3x as its datasheet describes it on the wire: single-shot commands 0x24xx, a read
// header NACKed until the conversion is over, CRC on every word, soft reset and status.

#include <cstdint>
#include <vector>

#include "daemon/base/clock.h"
#include "tests/fakes/sim_sensirion.h"

namespace sckd::testing {

// setTemperature/setHumidity, corruptNextCrc, setStuck, setRawOverride and softResets come
// from SensirionRhtSim.
class SimSht3x final : public SensirionRhtSim {
 public:
  explicit SimSht3x(const Clock& clock) : SensirionRhtSim(clock) {}

  // Fault: the chip is not an SHT3x (NACKs the status command).
  void setNotSht3x(bool v) { notSht3x_ = v; }

  const std::vector<std::uint16_t>& commands() const { return commands_; }

  Status onWrite(std::span<const std::uint8_t> bytes) override;
  Status onRead(std::span<std::uint8_t> bytes) override;

 private:
  bool notSht3x_ = false;
  bool statusPending_ = false;
  std::vector<std::uint16_t> commands_;
};

}  // namespace sckd::testing
