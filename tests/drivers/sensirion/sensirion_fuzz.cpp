// libFuzzer target for the frame decoders of the SHT3x, SHT4x, SCD30 and SCD4x: any bytes
// must decode to an error or to a finite value inside the chip's range, never crash.
// Build with clang -fsanitize=fuzzer to fuzz; sensirion_fuzz_test.cpp runs it under gtest.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "drivers/sensirion/scd30.h"
#include "drivers/sensirion/scd4x.h"
#include "drivers/sensirion/sht3x.h"
#include "drivers/sensirion/sht4x.h"

namespace {

// A violated property is a crash, as libFuzzer expects.
void check(const sckd::Result<double>& r, double lo, double hi) {
  if (!r.ok()) {
    if (r.error().message.empty()) std::abort();
    return;
  }
  if (!std::isfinite(*r) || *r < lo || *r > hi) std::abort();
}

template <std::size_t N>
std::array<std::uint8_t, N> frameOf(const std::uint8_t* data, std::size_t size) {
  std::array<std::uint8_t, N> frame{};
  std::copy_n(data, std::min(size, N), frame.begin());
  return frame;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  {
    auto f = frameOf<6>(data, size);
    sckd::Sht3xValues v = sckd::decodeSht3x(f);
    check(v.temperature, -40, 125);
    check(v.humidity, 0, 100);
    sckd::Sht4xValues w = sckd::decodeSht4x(f);
    check(w.temperature, -40, 125);
    check(w.humidity, 0, 100);
  }
  {
    auto f = frameOf<18>(data, size);
    sckd::Scd30Values v = sckd::decodeScd30(f);
    check(v.co2, 0, 40000);
    check(v.temperature, -40, 70);
    check(v.humidity, 0, 100);
  }
  {
    auto f = frameOf<9>(data, size);
    sckd::Scd4xValues v = sckd::decodeScd4x(f);
    check(v.co2, 1, 40000);
    check(v.temperature, -10, 60);
    check(v.humidity, 0, 100);
  }
  return 0;
}
