#pragma once
// A Plantower PMS5003 (or PMS7003) on a pseudo-terminal, as its data manual (v2.3,
// appendix I and II) describes it: it powers up awake in active mode, sending a 32-byte
// data frame every second; 7-byte host commands `42 4D cmd dataH dataL` with a 16-bit sum
// switch it to passive mode (0xE1 0) and back (0xE1 1), ask for one frame in passive mode
// (0xE2), and put it to sleep (0xE4 0) or wake it (0xE4 1). Asleep it takes only the
// wake-up. Like some firmwares, it answers the mode and sleep commands with an 8-byte frame
// `42 4D 00 04 cmd data sum`, which a driver must skip. A command with a wrong sum is ignored.

#include <array>
#include <cstdint>
#include <vector>

#include "tests/fakes/sim_serial.h"

namespace sckd::testing {

class SimPms5003 final : public SimSerialSensor {
 public:
  explicit SimPms5003(const Clock& clock) : SimSerialSensor(clock) {}

  // ug/m3 under atmospheric environment (data 4-6) and at CF=1 (data 1-3).
  void setAtmospheric(std::uint16_t pm1, std::uint16_t pm25, std::uint16_t pm10) {
    atmospheric_ = {pm1, pm25, pm10};
  }
  void setStandard(std::uint16_t pm1, std::uint16_t pm25, std::uint16_t pm10) {
    standard_ = {pm1, pm25, pm10};
  }
  // Particles beyond 0.3, 0.5, 1, 2.5, 5 and 10 um in 0.1 L (data 7-12).
  void setCounts(std::array<std::uint16_t, 6> counts) { counts_ = counts; }
  // Off: a firmware that does not answer commands.
  void setAnswersCommands(bool answers) { answersCommands_ = answers; }

 protected:
  void parse(std::vector<std::uint8_t>& input) override;
  std::vector<std::uint8_t> dataFrame(bool corrupt) const override;

 private:
  void handle(std::uint8_t command, std::uint16_t data);
  void answer(std::uint8_t command, std::uint16_t data);

  std::array<std::uint16_t, 3> atmospheric_{};
  std::array<std::uint16_t, 3> standard_{};
  std::array<std::uint16_t, 6> counts_{};
  bool answersCommands_ = true;
};

}  // namespace sckd::testing
