#pragma once
// Bosch BME280 (temperature, humidity, pressure) and BMP280 (temperature, pressure): one
// register map, one compensation; the BMP280 lacks the humidity block. Forced mode: each
// start() triggers one conversion, collect() reads the 0xF7 burst and compensates it with
// the chip's own calibration (BME280 datasheet rev 1.6 §4.2.3, §8.2).

#include <cstdint>
#include <span>

#include "daemon/base/result.h"
#include "drivers/driver.h"

namespace sckd {

DriverInfo bme280DriverInfo();  // `driver: bme280`
DriverInfo bmp280DriverInfo();  // `driver: bmp280`

// The trimming parameters as the datasheet names them (dig_T1 ... dig_H6).
struct Bme280Calibration {
  std::uint16_t t1 = 0;
  std::int16_t t2 = 0, t3 = 0;
  std::uint16_t p1 = 0;
  std::int16_t p2 = 0, p3 = 0, p4 = 0, p5 = 0, p6 = 0, p7 = 0, p8 = 0, p9 = 0;
  std::uint8_t h1 = 0;
  std::int16_t h2 = 0;
  std::uint8_t h3 = 0;
  std::int16_t h4 = 0, h5 = 0;  // 12-bit signed, packed across 0xE4..0xE6
  std::int8_t h6 = 0;
};

// `tp`: registers 0x88..0xA1 (26 bytes, dig_H1 is the last); `h`: 0xE1..0xE7 (7 bytes),
// empty for a BMP280.
Bme280Calibration parseBme280Calibration(std::span<const std::uint8_t, 26> tp,
                                         std::span<const std::uint8_t> h);

// Raw 20-bit ADC values from the 0xF7 burst; humidity is 16-bit (-1 when not read).
struct Bme280Raw {
  std::int32_t pressure = 0;
  std::int32_t temperature = 0;
  std::int32_t humidity = -1;
};
// `frame`: 0xF7..0xFE (8 bytes, BME280) or 0xF7..0xFC (6 bytes, BMP280).
Bme280Raw splitBme280Frame(std::span<const std::uint8_t> frame);

// Each quantity separately: one can fail (skipped, out of range) while the others stand.
struct Bme280Values {
  Result<double> temperature = Error{};  // degC
  Result<double> pressure = Error{};     // kPa
  Result<double> humidity = Error{};     // %RH; an error when not measured
};

// The datasheet's integer compensation (32-bit temperature and humidity, 64-bit pressure),
// evaluated in wider integers so a corrupt calibration cannot overflow; for any real
// calibration the results are the datasheet's bit for bit. Values outside the chip's
// operating range (-40..85 degC, 30..110 kPa, 0..100 %RH) are errors, as are the "skipped"
// raw values 0x80000 and 0x8000.
Bme280Values compensateBme280(const Bme280Calibration& cal, const Bme280Raw& raw);

// Datasheet appendix B (BME280) / table 13 (BMP280): the maximum measurement time for the
// oversampling factors (1, 2, 4, 8, 16; 0 = skipped), rounded up to whole milliseconds.
Millis bme280MaxMeasurementTime(int osrsT, int osrsP, int osrsH);

}  // namespace sckd
