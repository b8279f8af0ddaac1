#pragma once
// An LPS33HW as its datasheet describes the register map: WHO_AM_I 0xB1, CTRL_REG2 with
// SWRESET (self-clearing) and ONE_SHOT (cleared when the conversion is done, 13.3 ms here),
// IF_ADD_INC address auto-increment, STATUS P_DA/T_DA set by a conversion and cleared by
// reading PRESS_OUT_H / TEMP_OUT_H.

#include <array>
#include <cstdint>
#include <optional>

#include "daemon/base/clock.h"
#include "tests/fakes/fake_i2c_bus.h"

namespace sckd::testing {

class SimLps33 final : public ChipSimulator {
 public:
  explicit SimLps33(const Clock& clock);

  void setPressure(double kPa) { pressure_ = kPa; }
  void setTemperature(double degC) { temperature_ = degC; }
  // Faults: another WHO_AM_I; exact raw outputs of the next conversions; conversions that
  // never complete (ONE_SHOT stays set, no data-available bits).
  void setWhoAmI(std::uint8_t id) { regs_[0x0F] = id; }
  void setRaw(std::optional<std::int32_t> pressure, std::optional<std::int16_t> temperature) {
    rawP_ = pressure;
    rawT_ = temperature;
  }
  void setStuck(bool stuck) { stuck_ = stuck; }

  int resets() const { return resets_; }
  int conversions() const { return conversions_; }

  Status onWrite(std::span<const std::uint8_t> bytes) override;
  Status onRead(std::span<std::uint8_t> bytes) override;

 private:
  void reset();
  void finish();
  void writeReg(std::uint8_t reg, std::uint8_t value);

  const Clock& clock_;
  std::array<std::uint8_t, 256> regs_{};
  std::uint8_t pointer_ = 0;
  bool measuring_ = false;
  MonoTime doneAt_{};
  double pressure_ = 101.325;
  double temperature_ = 21.5;
  std::optional<std::int32_t> rawP_;
  std::optional<std::int16_t> rawT_;
  bool stuck_ = false;
  int resets_ = 0;
  int conversions_ = 0;
};

}  // namespace sckd::testing
