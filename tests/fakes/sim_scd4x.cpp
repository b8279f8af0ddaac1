#include "tests/fakes/sim_scd4x.h"

#include <algorithm>
#include <array>

namespace sckd::testing {
namespace {

constexpr std::chrono::seconds kPeriod(5);

}  // namespace

void SimScd4x::startMeasuring() {
  periodic_ = true;
  nextDataAt_ = clock_.monotonic() + kPeriod;
}

Status SimScd4x::onWrite(std::span<const std::uint8_t> bytes) {
  std::optional<SensirionCommand> command = parseSensirionCommand(bytes);
  if (!command || !command->args.empty()) return nack();
  const std::uint16_t cmd = command->code;
  pending_ = 0;
  switch (cmd) {
    case 0x21B1:  // start periodic measurement: idle only
      if (periodic_) return nack();
      startMeasuring();
      return {};
    case 0x3F86:  // stop periodic measurement
      periodic_ = false;
      return {};
    case 0xEC05:
    case 0xE4B8:  // allowed in both modes; 1 ms execution time
      pending_ = cmd;
      answerAt_ = clock_.monotonic() + std::chrono::milliseconds(1);
      return {};
    default:
      return nack();
  }
}

Status SimScd4x::onRead(std::span<std::uint8_t> bytes) {
  const std::uint16_t cmd = pending_;
  pending_ = 0;
  if (cmd == 0 || clock_.monotonic() < answerAt_) return nack();
  if (cmd == 0xE4B8) {
    if (bytes.size() != 3) return makeError(ErrorCode::NotReady, "data ready is one word");
    // Ready: the low 11 bits are non-zero.
    const std::uint16_t status = dataReady() ? 0x8006 : 0x8000;
    reply(bytes, std::array<std::uint16_t, 1>{status}, false);
    return {};
  }
  if (bytes.size() != 9) return makeError(ErrorCode::Invalid, "a measurement is 9 bytes");
  if (!dataReady()) return nack();  // datasheet: an empty buffer NACKs the read
  while (nextDataAt_ <= clock_.monotonic()) nextDataAt_ += kPeriod;
  Raw r{co2_, sensirionTicks((temperature_ + 45.0) * 65535.0 / 175.0),
        sensirionTicks(humidity_ * 65535.0 / 100.0)};
  if (raw_) r = *raw_;
  if (stuck_) {  // the bus floating: every byte 0xFF, CRCs included
    std::fill(bytes.begin(), bytes.end(), std::uint8_t{0xFF});
    return {};
  }
  reply(bytes, std::array<std::uint16_t, 3>{r.co2, r.t, r.rh});
  return {};
}

}  // namespace sckd::testing
