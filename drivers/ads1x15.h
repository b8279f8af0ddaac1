#pragma once
// TI ADS1115 (16-bit) and ADS1015 (12-bit) four-input I2C ADCs, in single-shot mode.
// One measurement converts ONE configured input: the inputs take turns on successive
// readings (round robin), because the two-phase Driver interface has one start/collect per
// reading and chaining conversions inside collect() would block the loop.

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "drivers/driver.h"

namespace sckd {

DriverInfo ads1115DriverInfo();
DriverInfo ads1015DriverInfo();

enum class Ads1x15Chip { Ads1015, Ads1115 };

// A single-ended input (negative = -1: AINx against GND) or a differential pair.
struct Ads1x15Input {
  int positive = 0;
  int negative = -1;
};

// "0,1,2,3" (single-ended) or "0-1,2-3" (differential: 0-1, 0-3, 1-3, 2-3), mixed allowed;
// every input publishes under its first pin's quantity, so no pin may lead twice.
Result<std::vector<Ads1x15Input>> parseAds1x15Inputs(std::string_view text);

// The config register (ADS1115 datasheet SBAS444 §9.6.3) for a single-shot conversion:
// OS=1, MUX, PGA, MODE=1, DR, comparator disabled.
std::uint16_t ads1x15ConfigWord(const Ads1x15Input& input, int pgaBits, int rateBits);

// The conversion register (MSB first) as volts for the given full-scale range; an error for
// a saturated code (the input is beyond the full-scale range, or floating).
Result<double> decodeAds1x15(Ads1x15Chip chip, std::span<const std::uint8_t, 2> frame,
                             double fullScale);

// Conversion time to wait after triggering: one period at `rate` samples/s plus the
// datasheet's 10 % oscillator tolerance and 1 ms for the I2C round trip.
Millis ads1x15ConversionTime(int rate);

}  // namespace sckd
