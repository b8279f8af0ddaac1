#include "tests/fakes/sim_sps30.h"

#include <bit>

namespace sckd::testing {

void SimSps30::setRawValue(std::size_t index, std::uint32_t bits) {
  raw_.at(index) = bits;
}

Status SimSps30::onWrite(std::span<const std::uint8_t> bytes) {
  if (busy()) return nack();  // still resetting
  std::optional<SensirionCommand> parsed = parseSensirionCommand(bytes);
  if (!parsed) return nack();  // malformed, or an argument with a bad CRC
  const std::uint16_t command = parsed->code;
  const std::vector<std::uint16_t>& args = parsed->args;
  pointer_.reset();
  if (stopOrReset(command, std::chrono::milliseconds(100))) return {};
  switch (command) {
    case 0x0010:  // start measurement: idle mode only, float format only here
      if (measuring_ || args.size() != 1 || args[0] != 0x0300) return nack();
      startMeasuring();
      lastRead_.reset();
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
      // These read commands have no execution time: the answer is readable at once (SPS30
      // datasheet v1.0 §6.3; Sensirion's python-i2c-sps30 sets no device_busy_delay for them).
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
    case 0x0202: {
      const std::optional<MonoTime> newest = newestMeasurement();
      words.push_back(newest && (!lastRead_ || *newest > *lastRead_) ? 1 : 0);
      break;
    }
    case 0x0300:
      lastRead_ = newestMeasurement();
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
  if (busy() || !pointer_) return nack();
  std::vector<std::uint16_t> words = response(*pointer_);
  pointer_.reset();
  reply(bytes, words);
  return {};
}

}  // namespace sckd::testing
