#include "tests/fakes/sim_scd30.h"

#include <array>
#include <bit>

namespace sckd::testing {

Status SimScd30::onWriteRead(std::span<const std::uint8_t>, std::span<std::uint8_t>) {
  ++writeReadsRefused_;
  return makeError(ErrorCode::Invalid,
                   "SCD30 does not support a repeated START: write, STOP, then read");
}

Status SimScd30::onWrite(std::span<const std::uint8_t> bytes) {
  std::optional<SensirionCommand> command = parseSensirionCommand(bytes);
  if (!command || command->args.size() > 1) return nack();  // or a bad argument CRC
  const std::uint16_t cmd = command->code;
  std::optional<std::uint16_t> arg;
  if (!command->args.empty()) arg = command->args[0];
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
      if (bytes.size() != 3) return makeError(ErrorCode::Invalid, "firmware version is one word");
      reply(bytes, std::array<std::uint16_t, 1>{0x0342}, false);
      return {};
    case 0x0202:
      if (bytes.size() != 3) return makeError(ErrorCode::NotReady, "data ready is one word");
      reply(bytes, std::array<std::uint16_t, 1>{dataReady() ? std::uint16_t{1} : std::uint16_t{0}},
            false);
      return {};
    case 0x0300: {
      if (bytes.size() != 18) return makeError(ErrorCode::Invalid, "a measurement is 18 bytes");
      if (!dataReady()) return nack();
      // The buffer empties on read-out: the next value comes one interval later.
      while (nextDataAt_ <= clock_.monotonic()) nextDataAt_ += std::chrono::seconds(interval_);
      const float values[3] = {co2_, temperature_, humidity_};
      std::array<std::uint16_t, 6> words{};
      for (std::size_t i = 0; i < 3; ++i) {
        std::uint32_t bits = stuck_ ? 0xFFFFFFFFu : std::bit_cast<std::uint32_t>(values[i]);
        words[2 * i] = static_cast<std::uint16_t>(bits >> 16);
        words[2 * i + 1] = static_cast<std::uint16_t>(bits & 0xFFFF);
      }
      reply(bytes, words);
      return {};
    }
    default:
      return nack();  // a read without a command that answers
  }
}

}  // namespace sckd::testing
