#pragma once
// A Nova Fitness SDS011 on a pseudo-terminal, as its control protocol (V1.3) describes it:
// it powers up working in active mode, sending a 10-byte reading `AA C0 PM25L PM25H PM10L
// PM10H ID1 ID2 CS AB` every second; 19-byte host commands `AA B4 cmd data2..data13 FF FF
// CS AB` (CS: low byte of the sum of the 15 bytes from cmd) set the reporting mode (2:
// active or query), ask for a reading in query mode (4), and send it to sleep or to work
// (6), each set answered with `AA C5 cmd ...`. Asleep it takes only the work command. A
// command with a wrong checksum or tail is ignored.

#include <cstdint>
#include <vector>

#include "tests/fakes/sim_serial.h"

namespace sckd::testing {

class SimSds011 final : public SimSerialSensor {
 public:
  explicit SimSds011(const Clock& clock) : SimSerialSensor(clock) {}

  // In tenths of ug/m3, as the frame carries them.
  void setPm(std::uint16_t pm25Tenths, std::uint16_t pm10Tenths) {
    pm25_ = pm25Tenths;
    pm10_ = pm10Tenths;
  }

 protected:
  void parse(std::vector<std::uint8_t>& input) override;
  std::vector<std::uint8_t> dataFrame(bool corrupt) const override;

 private:
  void handle(const std::vector<std::uint8_t>& command);
  void reply(std::uint8_t command, std::uint8_t d2, std::uint8_t d3);

  std::uint16_t pm25_ = 0;
  std::uint16_t pm10_ = 0;
};

}  // namespace sckd::testing
