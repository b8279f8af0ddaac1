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

namespace {

FrameCheck checkPms(std::span<const std::uint8_t> p) {
  using Kind = FrameCheck::Kind;
  if (p[0] != kPmsStart1) return {Kind::NotAFrame};
  if (p.size() < 2) return {Kind::Incomplete};  // its 0x4D may be on its way
  if (p[1] != kPmsStart2) return {Kind::NotAFrame};
  if (p.size() < 4) return {Kind::Incomplete};
  const std::uint16_t length = be16(p.data() + 2);
  if (length < kPmsMinLength || length > kPmsMaxLength || length % 2 != 0) return {Kind::NotAFrame};
  const std::size_t size = 4u + length;
  if (p.size() < size) return {Kind::Incomplete};
  if (pmsChecksum(p.first(size - 2)) != be16(p.data() + size - 2)) return {Kind::BadChecksum};
  return {Kind::Frame, size};
}

}  // namespace

PmsFrameReader::PmsFrameReader() : stream_(checkPms, kMaxBuffered) {}

std::optional<PmsFrame> PmsFrameReader::next() {
  std::optional<std::vector<std::uint8_t>> bytes = stream_.next();
  if (!bytes) return std::nullopt;
  return PmsFrame{std::vector<std::uint8_t>(bytes->begin() + 4, bytes->end() - 2)};
}

}  // namespace sckd
