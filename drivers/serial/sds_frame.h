#pragma once
// The Nova Fitness SDS011 serial protocol (Laser Dust Sensor Control Protocol V1.3): the
// sensor sends 10-byte frames `0xAA cmd d1..d6 checksum 0xAB`, the checksum being the low
// byte of the sum of d1..d6. cmd 0xC0 is a reading (PM2.5 and PM10 in 0.1 ug/m3, little
// endian, then the 2-byte device id); 0xC5 answers a command. The host sends 19 bytes:
// `0xAA 0xB4 command data2..data13 id1 id2 checksum 0xAB`, the checksum the low byte of
// the sum of the 15 bytes from the command to id2. Pure: no port, no clock.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "drivers/serial/frame_stream.h"

namespace sckd {

inline constexpr std::uint8_t kSdsHead = 0xAA;
inline constexpr std::uint8_t kSdsTail = 0xAB;
inline constexpr std::uint8_t kSdsData = 0xC0;     // a reading
inline constexpr std::uint8_t kSdsReply = 0xC5;    // the answer to a command
inline constexpr std::uint8_t kSdsCommand = 0xB4;  // every host command
inline constexpr std::size_t kSdsFrameSize = 10;
inline constexpr std::size_t kSdsCommandSize = 19;

// Host commands (the first data byte) and their arguments.
inline constexpr std::uint8_t kSdsReportingMode = 2;  // data2 1: set; data3 0 active, 1 query
inline constexpr std::uint8_t kSdsQueryData = 4;      // answered with one 0xC0 frame
inline constexpr std::uint8_t kSdsSleepWork = 6;      // data2 1: set; data3 0 sleep, 1 work

// The low byte of the sum of `bytes`.
std::uint8_t sdsChecksum(std::span<const std::uint8_t> bytes);
// A command to every sensor on the line (id 0xFFFF): `command`, then `data` (at most 12
// bytes, the rest zero).
std::array<std::uint8_t, kSdsCommandSize> sdsCommand(std::uint8_t command,
                                                     std::span<const std::uint8_t> data = {});

// One frame from the sensor whose checksum and tail were right.
struct SdsFrame {
  std::uint8_t kind = 0;  // kSdsData or kSdsReply
  std::array<std::uint8_t, 6> data{};
};
std::array<std::uint8_t, kSdsFrameSize> encodeSdsFrame(const SdsFrame& frame);

struct SdsData {
  double pm25 = 0;  // ug/m3
  double pm10 = 0;  // ug/m3
  std::uint16_t deviceId = 0;
};
// The values of a reading; nullopt for a command's answer.
std::optional<SdsData> decodeSdsData(const SdsFrame& frame);
// A reading frame carrying the raw tenths of ug/m3 (as the sensor sends them).
SdsFrame sdsDataFrame(std::uint16_t pm25Tenths, std::uint16_t pm10Tenths,
                      std::uint16_t deviceId = 0xA160);

// The SDS011 frames in a byte stream that arrives in pieces (drivers/serial/frame_stream.h):
// a frame of an unknown kind or without its tail at byte 10 is skipped like garbage.
class SdsFrameReader {
 public:
  SdsFrameReader();
  void feed(std::span<const std::uint8_t> bytes) { stream_.feed(bytes); }
  // The next whole frame with a right checksum, or nullopt until more bytes arrive.
  std::optional<SdsFrame> next();
  void clear() { stream_.clear(); }

  std::size_t skippedBytes() const { return stream_.skippedBytes(); }
  std::size_t badChecksums() const { return stream_.badChecksums(); }

 private:
  FrameStream stream_;
};

}  // namespace sckd
