#pragma once
// A SEN50/SEN54/SEN55 on I2C as its datasheet describes it: 16-bit commands, a read only
// after the command's execution time (20 ms; the read header is NACKed before), idle and
// measurement modes, the first values one second after start (0xFFFF / 0x7FFF before),
// reset taking 200 ms; models without RH/T/VOC/NOx report those as 0x7FFF.

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "daemon/base/clock.h"
#include "tests/fakes/sim_sensirion.h"

namespace sckd::testing {

// corruptNextCrc(word) (SensirionSim) hits the next frame read, whatever it answers;
// powerCycle(), measuring() and resets() are SensirionModuleSim's.
class SimSen5x final : public SensirionModuleSim {
 public:
  // `model`: 50, 54 or 55.
  SimSen5x(const Clock& clock, int model) : SensirionModuleSim(clock), model_(model) {}

  void setPm(double pm1, double pm25, double pm4, double pm10) { pm_ = {pm1, pm25, pm4, pm10}; }
  void setHumidity(double rh) { rh_ = rh; }
  void setTemperature(double t) { t_ = t; }
  void setVocIndex(double v) { voc_ = v; }
  void setNoxIndex(double v) { nox_ = v; }
  // The raw word `index` of the values frame (a stuck or marker value).
  void setRawWord(std::size_t index, std::uint16_t word) { raw_.at(index) = word; }
  void setProductName(std::string name) { productName_ = std::move(name); }

  Status onWrite(std::span<const std::uint8_t> bytes) override;
  Status onRead(std::span<std::uint8_t> bytes) override;
  Status onWriteRead(std::span<const std::uint8_t>, std::span<std::uint8_t>) override {
    return makeError(ErrorCode::Invalid,
                     "SEN5x simulator: a read needs its own transfer after 20 ms");
  }

 private:
  std::array<std::uint16_t, 8> valueWords() const;

  int model_;
  std::array<double, 4> pm_{};
  double rh_ = 0;
  double t_ = 0;
  double voc_ = 1;
  double nox_ = 1;
  std::array<std::optional<std::uint16_t>, 8> raw_{};
  std::string productName_;
  MonoTime readableAt_{};
};

}  // namespace sckd::testing
