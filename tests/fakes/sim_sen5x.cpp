#include "tests/fakes/sim_sen5x.h"

#include <cmath>
#include <vector>

#include "drivers/sensirion_crc.h"

namespace sckd::testing {

std::array<std::uint16_t, 8> SimSen5x::valueWords() const {
  std::array<std::uint16_t, 8> w{};
  const bool warm = clock_.monotonic() - measuringSince_ >= std::chrono::seconds(1);
  // The inverse of the datasheet's scale factors.
  auto i16 = [](double v, double scale) {
    return static_cast<std::uint16_t>(static_cast<std::int16_t>(std::lround(v * scale)));
  };
  for (std::size_t i = 0; i < 4; ++i) {
    w[i] = warm ? static_cast<std::uint16_t>(std::lround(pm_[i] * 10)) : 0xFFFF;
  }
  w[4] = warm && model_ >= 54 ? i16(rh_, 100) : 0x7FFF;
  w[5] = warm && model_ >= 54 ? i16(t_, 200) : 0x7FFF;
  w[6] = warm && model_ >= 54 ? i16(voc_, 10) : 0x7FFF;
  w[7] = warm && model_ >= 55 ? i16(nox_, 10) : 0x7FFF;
  for (std::size_t i = 0; i < 8; ++i) {
    if (raw_[i]) w[i] = *raw_[i];
  }
  return w;
}

Status SimSen5x::onWrite(std::span<const std::uint8_t> bytes) {
  if (clock_.monotonic() < busyUntil_) return nack();
  if (bytes.size() != 2) return nack();  // no command of ours takes arguments
  const auto command = static_cast<std::uint16_t>(bytes[0] << 8 | bytes[1]);
  pointer_.reset();
  switch (command) {
    case 0x0021:
      if (measuring_) return nack();
      measuring_ = true;
      measuringSince_ = clock_.monotonic();
      busyUntil_ = clock_.monotonic() + std::chrono::milliseconds(50);
      return {};
    case 0x0104:
      measuring_ = false;
      return {};
    case 0xD304:
      measuring_ = false;
      ++resets_;
      busyUntil_ = clock_.monotonic() + std::chrono::milliseconds(200);
      return {};
    case 0x03C4:
    case 0x0202:
      if (!measuring_) return nack();
      [[fallthrough]];
    case 0xD014:
      pointer_ = command;
      readableAt_ = clock_.monotonic() + std::chrono::milliseconds(20);
      return {};
    default:
      return nack();
  }
}

Status SimSen5x::onRead(std::span<std::uint8_t> bytes) {
  if (!pointer_ || clock_.monotonic() < readableAt_) return nack();
  std::vector<std::uint16_t> words;
  if (*pointer_ == 0x03C4) {
    auto w = valueWords();
    words.assign(w.begin(), w.end());
  } else if (*pointer_ == 0x0202) {
    words.push_back(1);
  } else {
    std::string name = productName_.empty() ? "SEN" + std::to_string(model_) : productName_;
    name.resize(32, '\0');
    for (std::size_t i = 0; i < 32; i += 2) {
      words.push_back(static_cast<std::uint16_t>(static_cast<std::uint8_t>(name[i]) << 8 |
                                                 static_cast<std::uint8_t>(name[i + 1])));
    }
  }
  pointer_.reset();
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const std::size_t w = i / 3;
    if (w >= words.size()) {
      bytes[i] = 0xFF;
      continue;
    }
    const auto msb = static_cast<std::uint8_t>(words[w] >> 8);
    const auto lsb = static_cast<std::uint8_t>(words[w] & 0xFF);
    std::uint8_t crc = sensirion::crc8(msb, lsb);
    if (corruptWord_ && *corruptWord_ == w) crc = static_cast<std::uint8_t>(crc ^ 0x5A);
    bytes[i] = i % 3 == 0 ? msb : i % 3 == 1 ? lsb : crc;
  }
  corruptWord_.reset();
  return {};
}

}  // namespace sckd::testing
