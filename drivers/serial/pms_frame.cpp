#include "drivers/serial/pms_frame.h"

namespace sckd {
namespace {

// More than a few frames' worth unread means nobody calls next(): keep the newest bytes.
constexpr std::size_t kMaxBuffered = 1024;

std::uint16_t be16(const std::uint8_t* p) {
  return static_cast<std::uint16_t>(p[0] << 8 | p[1]);
}

void putBe16(std::vector<std::uint8_t>& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v & 0xFF));
}

}  // namespace

std::uint16_t pmsChecksum(std::span<const std::uint8_t> bytes) {
  std::uint16_t sum = 0;
  for (std::uint8_t b : bytes) sum = static_cast<std::uint16_t>(sum + b);
  return sum;
}

std::array<std::uint8_t, 7> pmsCommand(std::uint8_t command, std::uint16_t data) {
  std::array<std::uint8_t, 7> out = {kPmsStart1,
                                     kPmsStart2,
                                     command,
                                     static_cast<std::uint8_t>(data >> 8),
                                     static_cast<std::uint8_t>(data & 0xFF),
                                     0,
                                     0};
  const std::uint16_t sum = pmsChecksum(std::span(out).first(5));
  out[5] = static_cast<std::uint8_t>(sum >> 8);
  out[6] = static_cast<std::uint8_t>(sum & 0xFF);
  return out;
}

std::vector<std::uint8_t> encodePmsFrame(const PmsFrame& frame) {
  std::vector<std::uint8_t> out = {kPmsStart1, kPmsStart2};
  putBe16(out, static_cast<std::uint16_t>(frame.payload.size() + 2));
  out.insert(out.end(), frame.payload.begin(), frame.payload.end());
  putBe16(out, pmsChecksum(out));
  return out;
}

std::optional<PmsData> decodePmsData(const PmsFrame& frame) {
  if (frame.payload.size() != kPmsDataLength - 2u) return std::nullopt;
  std::array<std::uint16_t, 13> words{};
  for (std::size_t i = 0; i < words.size(); ++i) words[i] = be16(&frame.payload[2 * i]);
  PmsData data;
  for (std::size_t i = 0; i < 3; ++i) {
    data.pmStandard[i] = words[i];
    data.pmAtmospheric[i] = words[3 + i];
  }
  for (std::size_t i = 0; i < 6; ++i) data.counts[i] = words[6 + i];
  data.reserved = words[12];
  return data;
}

PmsFrame pmsDataFrame(const PmsData& data) {
  PmsFrame frame;
  for (std::uint16_t v : data.pmStandard) putBe16(frame.payload, v);
  for (std::uint16_t v : data.pmAtmospheric) putBe16(frame.payload, v);
  for (std::uint16_t v : data.counts) putBe16(frame.payload, v);
  putBe16(frame.payload, data.reserved);
  return frame;
}

void PmsFrameReader::feed(std::span<const std::uint8_t> bytes) {
  buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
  if (buffer_.size() > kMaxBuffered) {
    const std::size_t drop = buffer_.size() - kMaxBuffered;
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(drop));
    skipped_ += drop;
  }
}

std::optional<PmsFrame> PmsFrameReader::next() {
  std::size_t at = 0;  // where a frame may start; every byte before it is skipped
  std::optional<PmsFrame> found;
  std::size_t size = 0;
  for (;;) {
    const std::size_t left = buffer_.size() - at;
    if (left < 2) {
      // A last 0x42 may be the start of a frame whose 0x4D is still on its way.
      if (left == 1 && buffer_[at] != kPmsStart1) ++at;
      break;
    }
    const std::uint8_t* p = buffer_.data() + at;
    if (p[0] != kPmsStart1 || p[1] != kPmsStart2) {
      ++at;
      continue;
    }
    if (left < 4) break;
    const std::uint16_t length = be16(p + 2);
    if (length < kPmsMinLength || length > kPmsMaxLength || length % 2 != 0) {
      ++at;
      continue;
    }
    if (left < 4u + length) break;  // the rest is still on its way
    size = 4u + length;
    if (pmsChecksum(std::span(p, size - 2)) != be16(p + size - 2)) {
      ++badChecksums_;
      ++at;
      continue;
    }
    found = PmsFrame{std::vector<std::uint8_t>(p + 4, p + size - 2)};
    break;
  }
  skipped_ += at;
  const std::size_t consumed = at + (found ? size : 0);
  buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(consumed));
  return found;
}

}  // namespace sckd
