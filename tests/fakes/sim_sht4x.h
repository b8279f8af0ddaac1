#pragma once
// An SHT4x on the wire: one-byte single-shot commands (0xFD/0xF6/0xE0), a read header
// NACKed until the conversion is over, CRC on every word, soft reset 0x94.

#include <cstdint>

#include "daemon/base/clock.h"
#include "tests/fakes/sim_sensirion.h"

namespace sckd::testing {

// The state and faults are SensirionRhtSim's.
class SimSht4x final : public SensirionRhtSim {
 public:
  explicit SimSht4x(const Clock& clock) : SensirionRhtSim(clock) {}

  Status onWrite(std::span<const std::uint8_t> bytes) override;
  Status onRead(std::span<std::uint8_t> bytes) override;
};

}  // namespace sckd::testing
