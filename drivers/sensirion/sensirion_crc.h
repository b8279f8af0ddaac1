#pragma once
// Sensirion's CRC-8 over each 16-bit word of a frame: polynomial 0x31 (x^8 + x^5 + x^4 + 1),
// initial value 0xFF, no reflection, no final XOR. The datasheets' check value: 0xBEEF -> 0x92.

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace sckd::sensirion {

std::uint8_t crc8(std::uint8_t msb, std::uint8_t lsb);

// Splits a frame of [msb, lsb, crc] triples into words; nothing if its length is not a
// multiple of 3 or any CRC is wrong (`badWord`, if given, receives the first bad index).
std::optional<std::vector<std::uint16_t>> decodeWords(std::span<const std::uint8_t> frame,
                                                      std::size_t* badWord = nullptr);

// A command with arguments, as the chips expect it: 16-bit command, then each argument word
// followed by its CRC.
std::vector<std::uint8_t> command(std::uint16_t code, std::span<const std::uint16_t> args = {});

}  // namespace sckd::sensirion
