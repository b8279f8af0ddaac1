// Fuzz target for the BME280/BMP280, BH1750 and LPS33HW frame decoders: any calibration and
// any raw frame must give either an error or a finite value inside the chip's range.

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "drivers/bh1750.h"
#include "drivers/bme280.h"
#include "drivers/lps33.h"

namespace {

void check(const sckd::Result<double>& r, double lo, double hi) {
  if (!r.ok()) {
    if (r.error().message.empty()) std::abort();  // every failure must say why
    return;
  }
  if (!std::isfinite(*r) || *r < lo || *r > hi) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // 26 + 7 calibration bytes, 8 data bytes, 2 + 1 BH1750, 6 LPS33: 50 bytes, padded with 0.
  std::vector<std::uint8_t> in(data, data + size);
  if (in.size() < 50) in.resize(50, 0);

  std::span<const std::uint8_t, 26> tp(in.data(), 26);
  std::span<const std::uint8_t> h(in.data() + 26, 7);
  std::span<const std::uint8_t> frame(in.data() + 33, 8);
  for (bool humidity : {true, false}) {
    sckd::Bme280Calibration cal = sckd::parseBme280Calibration(tp, humidity ? h : h.first(0));
    sckd::Bme280Values v =
        sckd::compensateBme280(cal, sckd::splitBme280Frame(humidity ? frame : frame.first(6)));
    check(v.temperature, -40, 85);
    check(v.pressure, 30, 110);
    check(v.humidity, 0, 100);
    if (!humidity && v.humidity.ok()) std::abort();
  }

  const std::uint8_t mt = in[43];
  check(sckd::decodeBh1750(std::span<const std::uint8_t, 2>(in.data() + 41, 2), mt), 0, 1e6);
  check(sckd::decodeBh1750(std::span<const std::uint8_t, 2>(in.data() + 41, 2)), 0, 54612.5);

  sckd::Lps33Values l = sckd::decodeLps33(std::span<const std::uint8_t, 6>(in.data() + 44, 6));
  check(l.pressure, 26, 126);
  check(l.temperature, -40, 85);
  return 0;
}
