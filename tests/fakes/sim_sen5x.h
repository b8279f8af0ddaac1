#pragma once
// A SEN50/SEN54/SEN55 on I2C as its datasheet describes it: 16-bit commands, a read only
// after the command's execution time (20 ms; the read header is NACKed before), idle and
// measurement modes, one measurement a second from one second after start (0xFFFF / 0x7FFF
// before) and none during a fan cleaning, the data-ready flag (0x0202) set by a measurement
// and cleared by reading it out, the last measurement's values answered again when there is
// none newer, Read Measured PM Values (0x0413: mass, numbers, typical size), reset taking
// 200 ms; models without RH/T/VOC/NOx report those as 0x7FFF.

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "daemon/base/clock.h"
#include "tests/fakes/sim_sensirion.h"

namespace sckd::testing {

// corruptNextCrc(word) (SensirionSim) hits the next values or product name frame read (not
// the data-ready flag); powerCycle(), measuring(), resets() and startFanCleaning() are
// SensirionModuleSim's. A physical value set now is seen by the next measurement.
class SimSen5x final : public SensirionModuleSim {
 public:
  // `model`: 50, 54 or 55.
  SimSen5x(const Clock& clock, int model) : SensirionModuleSim(clock), model_(model) {
    clearMeasurements();
  }

  void setPm(double pm1, double pm25, double pm4, double pm10) {
    measure();
    pm_ = {pm1, pm25, pm4, pm10};
  }
  void setHumidity(double rh) {
    measure();
    rh_ = rh;
  }
  void setTemperature(double t) {
    measure();
    t_ = t;
  }
  void setVocIndex(double v) {
    measure();
    voc_ = v;
  }
  void setNoxIndex(double v) {
    measure();
    nox_ = v;
  }
  // Number concentrations PM0.5/1/2.5/4/10 in #/cm3 and the typical size in um (0x0413).
  void setNumbers(std::array<double, 5> perCm3, double sizeUm) {
    measure();
    numbers_ = perCm3;
    size_ = sizeUm;
  }
  // The raw word `index` (0..9) of the PM values frame (0x0413).
  void setRawPmWord(std::size_t index, std::uint16_t word) { rawPm_.at(index) = word; }
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
  // The words of the physical state now, as a measurement would report them: the values
  // (0x03C4), then the number concentrations and size (words 4..9 of 0x0413).
  std::array<std::uint16_t, 14> valueWords() const;
  // Catches up with the measurements made since the last call: the newest holds the state
  // as it was then (setters call this before changing it).
  void measure();
  // Back to "no measurement yet": all values at their markers, the flag 0.
  void clearMeasurements();

  int model_;
  std::array<double, 4> pm_{};
  double rh_ = 0;
  double t_ = 0;
  double voc_ = 1;
  double nox_ = 1;
  std::array<double, 5> numbers_{};
  double size_ = 0;
  std::array<std::optional<std::uint16_t>, 8> raw_{};
  std::array<std::optional<std::uint16_t>, 10> rawPm_{};
  std::string productName_;
  MonoTime readableAt_{};
  std::array<std::uint16_t, 14> measured_{};  // the newest measurement's words
  std::optional<MonoTime> measuredAt_;        // when it was made
  std::optional<MonoTime> readOut_;           // the measurement read out last
};

}  // namespace sckd::testing
