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

namespace {

FrameCheck checkSds(std::span<const std::uint8_t> p) {
  using Kind = FrameCheck::Kind;
  if (p[0] != kSdsHead) return {Kind::NotAFrame};
  if (p.size() >= 2 && p[1] != kSdsData && p[1] != kSdsReply) return {Kind::NotAFrame};
  if (p.size() < kSdsFrameSize) return {Kind::Incomplete};
  if (p[9] != kSdsTail) return {Kind::NotAFrame};
  if (sdsChecksum(p.subspan(2, 6)) != p[8]) return {Kind::BadChecksum};
  return {Kind::Frame, kSdsFrameSize};
}

}  // namespace

SdsFrameReader::SdsFrameReader() : stream_(checkSds, kMaxBuffered) {}

std::optional<SdsFrame> SdsFrameReader::next() {
  std::optional<std::vector<std::uint8_t>> bytes = stream_.next();
  if (!bytes) return std::nullopt;
  SdsFrame frame;
  frame.kind = (*bytes)[1];
  std::copy(bytes->begin() + 2, bytes->begin() + 8, frame.data.begin());
  return frame;
}

}  // namespace sckd
