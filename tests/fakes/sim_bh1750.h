#pragma once
// A BH1750 as its datasheet describes it: one-byte opcodes (power down/on, reset, MTreg
// high/low bits, one-time H-resolution), a 16-bit result read after a STOP, the one-time
// mode powering down when done, and a result register that keeps the previous value until
// the conversion time (120 ms typical at MT 69, scaled by MT) has passed.

#include <cstdint>
#include <vector>

#include "daemon/base/clock.h"
#include "tests/fakes/fake_i2c_bus.h"

namespace sckd::testing {

class SimBh1750 final : public ChipSimulator {
 public:
  explicit SimBh1750(const Clock& clock) : clock_(clock) {}

  void setLux(double lux) { lux_ = lux; }
  // The exact raw result of the next conversions (instead of encoding setLux()).
  void setRaw(int raw) { raw_ = raw; }

  int mt() const { return mt_; }
  bool poweredOn() const { return powered_; }
  int conversions() const { return conversions_; }
  const std::vector<std::uint8_t>& opcodes() const { return opcodes_; }

  Status onWrite(std::span<const std::uint8_t> bytes) override;
  Status onRead(std::span<std::uint8_t> bytes) override;

 private:
  void finish();

  const Clock& clock_;
  double lux_ = 250.0;
  int raw_ = -1;
  int mt_ = 69;
  int pendingMt_ = 69;
  bool powered_ = false;
  bool measuring_ = false;
  MonoTime doneAt_{};
  std::uint16_t data_ = 0;
  int conversions_ = 0;
  std::vector<std::uint8_t> opcodes_;
};

}  // namespace sckd::testing
