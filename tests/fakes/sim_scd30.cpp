#include "tests/fakes/sim_scd30.h"

#include <bit>

#include "drivers/sensirion_crc.h"

namespace sckd::testing {
namespace {

void putWord(std::span<std::uint8_t> out, std::size_t index, std::uint16_t word, bool corrupt) {
  const auto msb = static_cast<std::uint8_t>(word >> 8);
  const auto lsb = static_cast<std::uint8_t>(word & 0xFF);
  out[3 * index] = msb;
  out[3 * index + 1] = lsb;
  out[3 * index + 2] = static_cast<std::uint8_t>(sensirion::crc8(msb, lsb) ^ (corrupt ? 0x5A : 0));
}

}  // namespace

Status SimScd30::onWriteRead(std::span<const std::uint8_t>, std::span<std::uint8_t>) {
  ++writeReadsRefused_;
  return makeError("SCD30 does not support a repeated START: write, STOP, then read");
}

Status SimScd30::onWrite(std::span<const std::uint8_t> bytes) {
  if (bytes.size() != 2 && bytes.size() != 5) return nack();
  const auto cmd = static_cast<std::uint16_t>(bytes[0] << 8 | bytes[1]);
  std::optional<std::uint16_t> arg;
  if (bytes.size() == 5) {
    if (sensirion::crc8(bytes[2], bytes[3]) != bytes[4]) return nack();  // bad argument CRC
    arg = static_cast<std::uint16_t>(bytes[2] << 8 | bytes[3]);
  }
  pending_ = 0;
  switch (cmd) {
    case 0x0010:  // start continuous measurement [pressure mbar or 0]
      if (!arg || (*arg != 0 && (*arg < 700 || *arg > 1400))) return nack();
      pressure_ = arg;
      measuring_ = true;
      nextDataAt_ = clock_.monotonic() + std::chrono::seconds(interval_);
      return {};
    case 0x0104:
      measuring_ = false;
      return {};
    case 0x4600:  // set measurement interval [2..1800 s]
      if (!arg || *arg < 2 || *arg > 1800) return nack();
      interval_ = *arg;
      return {};
    case 0x0202:
    case 0x0300:
      if (arg) return nack();
      pending_ = cmd;
      return {};
    case 0xD100:
      if (arg || notScd30_) return nack();
      pending_ = cmd;
      return {};
    default:
      return nack();
  }
}

Status SimScd30::onRead(std::span<std::uint8_t> bytes) {
  const std::uint16_t cmd = pending_;
  pending_ = 0;
  switch (cmd) {
    case 0xD100:
      if (bytes.size() != 3) return makeError("firmware version is one word");
      putWord(bytes, 0, 0x0342, false);
      return {};
    case 0x0202:
      if (bytes.size() != 3) return makeError("data ready is one word");
      putWord(bytes, 0, dataReady() ? 1 : 0, false);
      return {};
    case 0x0300: {
      if (bytes.size() != 18) return makeError("a measurement is 18 bytes");
      if (!dataReady()) return nack();
      // The buffer empties on read-out: the next value comes one interval later.
      while (nextDataAt_ <= clock_.monotonic()) nextDataAt_ += std::chrono::seconds(interval_);
      const float values[3] = {co2_, temperature_, humidity_};
      for (std::size_t i = 0; i < 3; ++i) {
        std::uint32_t bits = stuck_ ? 0xFFFFFFFFu : std::bit_cast<std::uint32_t>(values[i]);
        putWord(bytes, 2 * i, static_cast<std::uint16_t>(bits >> 16),
                corruptWord_ == static_cast<int>(2 * i));
        putWord(bytes, 2 * i + 1, static_cast<std::uint16_t>(bits & 0xFFFF),
                corruptWord_ == static_cast<int>(2 * i + 1));
      }
      corruptWord_ = -1;
      return {};
    }
    default:
      return nack();  // a read without a command that answers
  }
}

}  // namespace sckd::testing
