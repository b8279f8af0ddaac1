#pragma once
// An SPS30 on I2C as its datasheet (v1.0, §6) describes it: 16-bit commands (arguments with
// CRC, a bad CRC is NACKed), "set pointer" then a separate read, idle and measurement modes,
// one new measurement per second against the Clock (none during the 10 s fan cleaning),
// reset taking 100 ms (NACKs meanwhile).

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "daemon/base/clock.h"
#include "tests/fakes/sim_sensirion.h"

namespace sckd::testing {

// corruptNextCrc(word) (SensirionSim) hits the next frame read, whatever it answers;
// powerCycle(), measuring() and resets() are SensirionModuleSim's.
class SimSps30 final : public SensirionModuleSim {
 public:
  explicit SimSps30(const Clock& clock) : SensirionModuleSim(clock) {}

  // Frame order: mass PM1/2.5/4/10 (ug/m3), number PM0.5/1/2.5/4/10 (#/cm3), size (um).
  void setValue(std::size_t index, float value) { values_.at(index) = value; }
  // The raw 32 bits of one value (a NaN, a stuck pattern).
  void setRawValue(std::size_t index, std::uint32_t bits);
  void setProductType(std::string type) { productType_ = std::move(type); }
  std::uint32_t cleaningInterval() const { return cleaningInterval_; }

  Status onWrite(std::span<const std::uint8_t> bytes) override;
  Status onRead(std::span<std::uint8_t> bytes) override;
  // Repeated START is not in the datasheet's transfer types.
  Status onWriteRead(std::span<const std::uint8_t>, std::span<std::uint8_t>) override {
    return makeError(ErrorCode::Invalid,
                     "SPS30 simulator: combined write+read is not a SPS30 transfer");
  }

 private:
  std::vector<std::uint16_t> response(std::uint16_t command);

  std::array<float, 10> values_{};
  std::array<std::optional<std::uint32_t>, 10> raw_{};
  std::string productType_ = "00080000";
  std::optional<MonoTime> lastRead_;  // the measurement the values read last came from
  std::uint32_t cleaningInterval_ = 604800;
};

}  // namespace sckd::testing
