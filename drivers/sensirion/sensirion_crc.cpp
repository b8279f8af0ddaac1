#include "drivers/sensirion/sensirion_crc.h"

namespace sckd::sensirion {

std::uint8_t crc8(std::uint8_t msb, std::uint8_t lsb) {
  std::uint8_t crc = 0xFF;
  for (std::uint8_t byte : {msb, lsb}) {
    crc ^= byte;
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc & 0x80) ? static_cast<std::uint8_t>((crc << 1) ^ 0x31)
                         : static_cast<std::uint8_t>(crc << 1);
    }
  }
  return crc;
}

std::optional<std::vector<std::uint16_t>> decodeWords(std::span<const std::uint8_t> frame,
                                                      std::size_t* badWord) {
  if (frame.size() % 3 != 0) return std::nullopt;
  std::vector<std::uint16_t> words;
  words.reserve(frame.size() / 3);
  for (std::size_t i = 0; i < frame.size(); i += 3) {
    if (crc8(frame[i], frame[i + 1]) != frame[i + 2]) {
      if (badWord != nullptr) *badWord = i / 3;
      return std::nullopt;
    }
    words.push_back(static_cast<std::uint16_t>(frame[i] << 8 | frame[i + 1]));
  }
  return words;
}

std::vector<std::uint8_t> command(std::uint16_t code, std::span<const std::uint16_t> args) {
  std::vector<std::uint8_t> bytes = {static_cast<std::uint8_t>(code >> 8),
                                     static_cast<std::uint8_t>(code & 0xFF)};
  for (std::uint16_t word : args) {
    const auto msb = static_cast<std::uint8_t>(word >> 8);
    const auto lsb = static_cast<std::uint8_t>(word & 0xFF);
    bytes.insert(bytes.end(), {msb, lsb, crc8(msb, lsb)});
  }
  return bytes;
}

}  // namespace sckd::sensirion
