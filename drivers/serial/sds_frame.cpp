#include "drivers/serial/sds_frame.h"

#include <algorithm>

namespace sckd {
namespace {

// More than a few frames' worth unread means nobody calls next(): keep the newest bytes.
constexpr std::size_t kMaxBuffered = 1024;

}  // namespace

std::uint8_t sdsChecksum(std::span<const std::uint8_t> bytes) {
  unsigned sum = 0;
  for (std::uint8_t b : bytes) sum += b;
  return static_cast<std::uint8_t>(sum & 0xFF);
}

std::array<std::uint8_t, kSdsCommandSize> sdsCommand(std::uint8_t command,
                                                     std::span<const std::uint8_t> data) {
  std::array<std::uint8_t, kSdsCommandSize> out{};
  out[0] = kSdsHead;
  out[1] = kSdsCommand;
  out[2] = command;
  std::copy_n(data.begin(), std::min<std::size_t>(data.size(), 12), out.begin() + 3);
  out[15] = 0xFF;  // device id 0xFFFF: whichever sensor is on the line
  out[16] = 0xFF;
  out[17] = sdsChecksum(std::span(out).subspan(2, 15));
  out[18] = kSdsTail;
  return out;
}

std::array<std::uint8_t, kSdsFrameSize> encodeSdsFrame(const SdsFrame& frame) {
  std::array<std::uint8_t, kSdsFrameSize> out{};
  out[0] = kSdsHead;
  out[1] = frame.kind;
  std::copy(frame.data.begin(), frame.data.end(), out.begin() + 2);
  out[8] = sdsChecksum(frame.data);
  out[9] = kSdsTail;
  return out;
}

std::optional<SdsData> decodeSdsData(const SdsFrame& frame) {
  if (frame.kind != kSdsData) return std::nullopt;
  const auto& d = frame.data;
  SdsData out;
  out.pm25 = static_cast<double>(d[0] | d[1] << 8) / 10.0;
  out.pm10 = static_cast<double>(d[2] | d[3] << 8) / 10.0;
  out.deviceId = static_cast<std::uint16_t>(d[4] << 8 | d[5]);
  return out;
}

SdsFrame sdsDataFrame(std::uint16_t pm25Tenths, std::uint16_t pm10Tenths, std::uint16_t deviceId) {
  SdsFrame frame;
  frame.kind = kSdsData;
  frame.data = {
      static_cast<std::uint8_t>(pm25Tenths & 0xFF), static_cast<std::uint8_t>(pm25Tenths >> 8),
      static_cast<std::uint8_t>(pm10Tenths & 0xFF), static_cast<std::uint8_t>(pm10Tenths >> 8),
      static_cast<std::uint8_t>(deviceId >> 8),     static_cast<std::uint8_t>(deviceId & 0xFF)};
  return frame;
}

void SdsFrameReader::feed(std::span<const std::uint8_t> bytes) {
  buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
  if (buffer_.size() > kMaxBuffered) {
    const std::size_t drop = buffer_.size() - kMaxBuffered;
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(drop));
    skipped_ += drop;
  }
}

std::optional<SdsFrame> SdsFrameReader::next() {
  std::size_t at = 0;  // where a frame may start; every byte before it is skipped
  std::optional<SdsFrame> found;
  for (;;) {
    const std::size_t left = buffer_.size() - at;
    if (left == 0) break;
    const std::uint8_t* p = buffer_.data() + at;
    if (p[0] != kSdsHead || (left >= 2 && p[1] != kSdsData && p[1] != kSdsReply)) {
      ++at;
      continue;
    }
    if (left < kSdsFrameSize) break;  // the rest is still on its way
    if (p[9] != kSdsTail) {
      ++at;
      continue;
    }
    if (sdsChecksum(std::span(p + 2, 6)) != p[8]) {
      ++badChecksums_;
      ++at;
      continue;
    }
    SdsFrame frame;
    frame.kind = p[1];
    std::copy(p + 2, p + 8, frame.data.begin());
    found = frame;
    break;
  }
  skipped_ += at;
  const std::size_t consumed = at + (found ? kSdsFrameSize : 0);
  buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(consumed));
  return found;
}

}  // namespace sckd
