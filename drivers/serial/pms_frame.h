#pragma once
// The Plantower serial protocol (PMS5003 data manual v2.3, appendix I and II; the PMS7003's
// is the same): frames `0x42 0x4D`, a big-endian length (the bytes after it, checksum
// included), the payload, and a 16-bit checksum that is the sum of every byte before it.
// A data frame has length 28: 13 big-endian words. Commands from the host are 7 bytes:
// `0x42 0x4D cmd dataH dataL` and the same kind of checksum. Pure: no port, no clock.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "drivers/serial/frame_stream.h"

namespace sckd {

inline constexpr std::uint8_t kPmsStart1 = 0x42;
inline constexpr std::uint8_t kPmsStart2 = 0x4D;
inline constexpr std::uint16_t kPmsDataLength = 28;
inline constexpr std::size_t kPmsDataFrameSize = 4 + kPmsDataLength;  // 32
// Lengths accepted as a frame: even (the payload is words, the checksum one more) from 4 (the
// answer some firmwares send to a command: the command and its data) to 36 (the longest
// Plantower frame, the PMS5003ST's). Anything else is noise that happens to start 0x42 0x4D.
inline constexpr std::uint16_t kPmsMinLength = 4;
inline constexpr std::uint16_t kPmsMaxLength = 36;

// Host commands (appendix II).
inline constexpr std::uint8_t kPmsReadPassive = 0xE2;  // data 0: answer with one data frame
inline constexpr std::uint8_t kPmsChangeMode = 0xE1;   // data 0: passive, 1: active
inline constexpr std::uint8_t kPmsSleepSet = 0xE4;     // data 0: sleep, 1: wake up

// The 16-bit sum the protocol uses as its checksum.
std::uint16_t pmsChecksum(std::span<const std::uint8_t> bytes);
// `0x42 0x4D cmd dataH dataL checkH checkL`.
std::array<std::uint8_t, 7> pmsCommand(std::uint8_t command, std::uint16_t data);

// One frame from the sensor whose checksum was right.
struct PmsFrame {
  std::vector<std::uint8_t> payload;  // between the length and the checksum
};
// The bytes of `frame` on the wire: start, length, payload, checksum.
std::vector<std::uint8_t> encodePmsFrame(const PmsFrame& frame);

// What a data frame says (appendix I): data 1-3 are PM1/2.5/10 at CF=1 ("standard
// particle", for factory calibration), data 4-6 the same under atmospheric environment (the
// ones to publish), data 7-12 the particles beyond 0.3, 0.5, 1, 2.5, 5 and 10 um in 0.1 L of
// air, data 13 reserved (the PMS7003's version and error code).
struct PmsData {
  std::array<std::uint16_t, 3> pmStandard{};     // ug/m3, CF=1
  std::array<std::uint16_t, 3> pmAtmospheric{};  // ug/m3
  std::array<std::uint16_t, 6> counts{};         // per 0.1 L
  std::uint16_t reserved = 0;
};
// The values of a data frame; nullopt for any other frame (a command's answer).
std::optional<PmsData> decodePmsData(const PmsFrame& frame);
// A data frame carrying `data`, as the sensor sends it.
PmsFrame pmsDataFrame(const PmsData& data);

// The PMS frames in a byte stream that arrives in pieces (drivers/serial/frame_stream.h):
// a frame whose length cannot be one is skipped like garbage.
class PmsFrameReader {
 public:
  PmsFrameReader();
  void feed(std::span<const std::uint8_t> bytes) { stream_.feed(bytes); }
  // The next whole frame with a right checksum, or nullopt until more bytes arrive.
  std::optional<PmsFrame> next();
  void clear() { stream_.clear(); }

  std::size_t skippedBytes() const { return stream_.skippedBytes(); }
  std::size_t badChecksums() const { return stream_.badChecksums(); }

 private:
  FrameStream stream_;
};

}  // namespace sckd
