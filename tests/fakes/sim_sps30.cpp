#include "tests/fakes/sim_sps30.h"

#include <bit>

#include "drivers/sensirion_crc.h"

namespace sckd::testing {

void SimSps30::setRawValue(std::size_t index, std::uint32_t bits) {
  raw_.at(index) = bits;
}

std::int64_t SimSps30::sampleIndex() const {
  if (!measuring_) return 0;
  return std::chrono::duration_cast<std::chrono::seconds>(clock_.monotonic() - measuringSince_)
      .count();
}

Status SimSps30::onWrite(std::span<const std::uint8_t> bytes) {
  if (clock_.monotonic() < busyUntil_) return nack();  // still resetting
  if (bytes.size() < 2 || (bytes.size() - 2) % 3 != 0) return nack();
  std::vector<std::uint16_t> args;
  for (std::size_t i = 2; i < bytes.size(); i += 3) {
    if (sensirion::crc8(bytes[i], bytes[i + 1]) != bytes[i + 2]) return nack();
    args.push_back(static_cast<std::uint16_t>(bytes[i] << 8 | bytes[i + 1]));
  }
  const auto command = static_cast<std::uint16_t>(bytes[0] << 8 | bytes[1]);
  pointer_.reset();
  switch (command) {
    case 0x0010:  // start measurement: idle mode only, float format only here
      if (measuring_ || args.size() != 1 || args[0] != 0x0300) return nack();
      measuring_ = true;
      measuringSince_ = clock_.monotonic();
      lastRead_ = 0;
      return {};
    case 0x0104:
      measuring_ = false;
      return {};
    case 0xD304:
      measuring_ = false;
      ++resets_;
      busyUntil_ = clock_.monotonic() + std::chrono::milliseconds(100);
      return {};
    case 0x8004:
      if (args.size() == 2) {
        cleaningInterval_ = static_cast<std::uint32_t>(args[0]) << 16 | args[1];
        return {};
      }
      if (!args.empty()) return nack();
      pointer_ = command;
      return {};
    case 0x0300:
      if (!measuring_) return nack();
      [[fallthrough]];
    case 0x0202:
    case 0xD002:
      if (!args.empty()) return nack();
      pointer_ = command;
      return {};
    default:
      return nack();
  }
}

std::vector<std::uint16_t> SimSps30::response(std::uint16_t command) {
  std::vector<std::uint16_t> words;
  switch (command) {
    case 0x0202:
      words.push_back(sampleIndex() > lastRead_ ? 1 : 0);
      break;
    case 0x0300:
      lastRead_ = sampleIndex();
      for (std::size_t i = 0; i < values_.size(); ++i) {
        const std::uint32_t bits = raw_[i] ? *raw_[i] : std::bit_cast<std::uint32_t>(values_[i]);
        words.push_back(static_cast<std::uint16_t>(bits >> 16));
        words.push_back(static_cast<std::uint16_t>(bits & 0xFFFF));
      }
      break;
    case 0x8004:
      words = {static_cast<std::uint16_t>(cleaningInterval_ >> 16),
               static_cast<std::uint16_t>(cleaningInterval_ & 0xFFFF)};
      break;
    case 0xD002: {
      std::string t = productType_;
      t.resize(8, '\0');
      for (std::size_t i = 0; i < 8; i += 2) {
        words.push_back(static_cast<std::uint16_t>(static_cast<std::uint8_t>(t[i]) << 8 |
                                                   static_cast<std::uint8_t>(t[i + 1])));
      }
      break;
    }
    default:
      break;
  }
  return words;
}

Status SimSps30::onRead(std::span<std::uint8_t> bytes) {
  if (clock_.monotonic() < busyUntil_ || !pointer_) return nack();
  std::vector<std::uint16_t> words = response(*pointer_);
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
