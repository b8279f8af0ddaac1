#pragma once
// A BME280 / BMP280 as the datasheet describes its register map: chip id, soft reset, the
// calibration NVM image, ctrl_hum latched by the next ctrl_meas write, forced mode with a
// "measuring" status bit for the datasheet's maximum measurement time, and data registers
// holding their reset value 0x80000/0x8000 for a skipped conversion. Physical values are
// encoded through the datasheet's floating-point compensation (§8.1), not the driver's
// integer code, so the two check each other.

#include <array>
#include <cstdint>
#include <optional>

#include "daemon/base/clock.h"
#include "drivers/bme280.h"
#include "tests/fakes/fake_i2c_bus.h"

namespace sckd::testing {

class SimBme280 final : public ChipSimulator {
 public:
  enum class Model { Bme280, Bmp280 };
  SimBme280(const Clock& clock, Model model = Model::Bme280);

  void setTemperature(double degC) { temperature_ = degC; }
  void setPressure(double kPa) { pressure_ = kPa; }
  void setHumidity(double percent) { humidity_ = percent; }
  void setCalibration(const Bme280Calibration& c);
  // A typical calibration: dig_T*/dig_P* are the BMP280 datasheet's example (§3.12).
  static Bme280Calibration defaultCalibration();
  // A calibration as the chip's NVM holds it: registers 0x88..0xA1 (dig_T1..dig_P9, a
  // reserved byte, dig_H1) and 0xE1..0xE7 (dig_H2..dig_H6, H4/H5 sharing a nibble byte).
  struct CalibrationNvm {
    std::array<std::uint8_t, 26> tp{};
    std::array<std::uint8_t, 7> h{};
  };
  static CalibrationNvm calibrationNvm(const Bme280Calibration& c);

  // Faults: another chip id; the next conversion's raw values (nullopt: encode physics);
  // conversions never write the data registers (they keep 0x80000: "no data"); the next
  // `n` status reads after a reset show the NVM copy still running.
  void setChipId(std::uint8_t id) { regs_[0xD0] = id; }
  void setRaw(std::optional<std::int32_t> t, std::optional<std::int32_t> p,
              std::optional<std::int32_t> h) {
    rawT_ = t;
    rawP_ = p;
    rawH_ = h;
  }
  void setStuck(bool stuck) { stuck_ = stuck; }
  void setBusyAfterReset(int statusReads) { busyReadsAfterReset_ = statusReads; }

  int resets() const { return resets_; }
  int conversions() const { return conversions_; }
  std::uint8_t reg(std::uint8_t r) const { return regs_[r]; }

  // The raw ADC values the chip would produce for the physical state.
  std::int32_t encodeTemperature() const;
  std::int32_t encodePressure() const;
  std::int32_t encodeHumidity() const;

  Status onWrite(std::span<const std::uint8_t> bytes) override;
  Status onRead(std::span<std::uint8_t> bytes) override;

 private:
  void reset();
  void finishConversion();
  double tFine(std::int32_t adcT) const;

  const Clock& clock_;
  Model model_;
  std::array<std::uint8_t, 256> regs_{};
  Bme280Calibration cal_;
  std::uint8_t pointer_ = 0;
  std::uint8_t latchedHum_ = 0;  // ctrl_hum as of the last ctrl_meas write
  bool measuring_ = false;
  MonoTime doneAt_{};
  double temperature_ = 21.5;
  double pressure_ = 101.325;
  double humidity_ = 45.0;
  std::optional<std::int32_t> rawT_, rawP_, rawH_;
  bool stuck_ = false;
  int busyReadsAfterReset_ = 0;
  int busyReads_ = 0;
  int resets_ = 0;
  int conversions_ = 0;
};

}  // namespace sckd::testing
