// libFuzzer target for the ADS1x15, SPS30 and SEN5x (values and PM values) decoders: the first byte
// picks the decoder (and, for the Sensirion frames, whether to repair the CRCs so the value paths
// are reached); the rest is the frame. A decoder must never crash and never return a non-finite
// value as a success.

#include <array>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "drivers/ads1x15.h"
#include "drivers/sensirion/sen5x.h"
#include "drivers/sensirion/sensirion_crc.h"
#include "drivers/sensirion/sps30.h"

namespace {

template <std::size_t N>
std::array<std::uint8_t, N> frameOf(const std::uint8_t* data, std::size_t size, bool fixCrc) {
  std::array<std::uint8_t, N> frame{};
  std::memcpy(frame.data(), data, size < N ? size : N);
  if (fixCrc) {
    for (std::size_t i = 0; i + 2 < N; i += 3) {
      frame[i + 2] = sckd::sensirion::crc8(frame[i], frame[i + 1]);
    }
  }
  return frame;
}

void check(bool ok, double value) {
  if (ok && !std::isfinite(value)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t selector = data[0];
  ++data;
  --size;
  const bool fixCrc = (selector & 0x04) != 0;
  switch (selector & 0x03) {
    case 0: {
      static constexpr double kFullScale[8] = {6.144, 4.096, 2.048, 1.024,
                                               0.512, 0.256, 0.256, 0.256};
      auto frame = frameOf<2>(data, size, false);
      const double fs = kFullScale[(selector >> 3) & 7];
      for (auto chip : {sckd::Ads1x15Chip::Ads1115, sckd::Ads1x15Chip::Ads1015}) {
        auto r = sckd::decodeAds1x15(chip, frame, fs);
        if (r.ok()) {
          check(true, *r);
          if (std::fabs(*r) > fs) std::abort();  // beyond full scale is impossible
        }
      }
      break;
    }
    case 1: {
      auto values = sckd::decodeSps30(frameOf<sckd::kSps30FrameSize>(data, size, fixCrc));
      if (values.size() != sckd::kSps30Values) std::abort();
      for (const auto& v : values) check(v.ok(), v.value);
      break;
    }
    case 2: {
      auto values = sckd::decodeSen5x(frameOf<sckd::kSen5xFrameSize>(data, size, fixCrc));
      if (values.size() != sckd::kSen5xValues) std::abort();
      for (const auto& v : values) check(v.ok(), v.value);
      // The same bytes as a Read Measured PM Values frame: numbers 0..3000, size 0..10.
      auto numbers = sckd::decodeSen5xNumbers(frameOf<sckd::kSen5xPmFrameSize>(data, size, fixCrc));
      if (numbers.size() != sckd::kSen5xNumbers) std::abort();
      for (std::size_t i = 0; i < numbers.size(); ++i) {
        check(numbers[i].ok(), numbers[i].value);
        if (numbers[i].ok() && (numbers[i].value < 0 || numbers[i].value > (i < 5 ? 3000 : 10)))
          std::abort();
      }
      break;
    }
    default: {
      auto inputs =
          sckd::parseAds1x15Inputs(std::string_view(reinterpret_cast<const char*>(data), size));
      if (inputs.ok()) {
        for (const auto& in : *inputs) {
          if (in.positive < 0 || in.positive > 3 || in.negative > 3) std::abort();
          (void)sckd::ads1x15ConfigWord(in, 1, 4);
        }
      }
      break;
    }
  }
  return 0;
}
