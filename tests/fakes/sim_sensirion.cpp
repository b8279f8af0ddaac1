#include "tests/fakes/sim_sensirion.h"

#include <algorithm>
#include <cmath>

#include "drivers/sensirion/sensirion_crc.h"

namespace sckd::testing {

std::optional<SensirionCommand> parseSensirionCommand(std::span<const std::uint8_t> bytes) {
  if (bytes.size() < 2 || (bytes.size() - 2) % 3 != 0) return std::nullopt;
  SensirionCommand command;
  command.code = static_cast<std::uint16_t>(bytes[0] << 8 | bytes[1]);
  for (std::size_t i = 2; i < bytes.size(); i += 3) {
    if (sensirion::crc8(bytes[i], bytes[i + 1]) != bytes[i + 2]) return std::nullopt;
    command.args.push_back(static_cast<std::uint16_t>(bytes[i] << 8 | bytes[i + 1]));
  }
  return command;
}

std::uint16_t sensirionTicks(double value) {
  return static_cast<std::uint16_t>(std::clamp(std::lround(value), 0L, 65535L));
}

void SensirionSim::reply(std::span<std::uint8_t> out, std::span<const std::uint16_t> words,
                         bool takesFault) {
  for (std::size_t i = 0; i < out.size(); ++i) {
    const std::size_t w = i / 3;
    if (w >= words.size()) {
      out[i] = 0xFF;
      continue;
    }
    const auto msb = static_cast<std::uint8_t>(words[w] >> 8);
    const auto lsb = static_cast<std::uint8_t>(words[w] & 0xFF);
    auto crc = sensirion::crc8(msb, lsb);
    if (takesFault && corruptWord_ == static_cast<int>(w))
      crc = static_cast<std::uint8_t>(crc ^ 0x5A);
    out[i] = i % 3 == 0 ? msb : i % 3 == 1 ? lsb : crc;
  }
  if (takesFault) corruptWord_ = -1;
}

bool SensirionModuleSim::stopOrReset(std::uint16_t command, std::chrono::milliseconds resetTime) {
  if (command == 0x0104) {
    measuring_ = false;
    cleaningFrom_.reset();
    return true;
  }
  if (command == 0xD304) {
    measuring_ = false;
    cleaningFrom_.reset();
    ++resets_;
    busyFor(resetTime);
    return true;
  }
  return false;
}

void SensirionModuleSim::startFanCleaning() {
  cleaningFrom_ = clock_.monotonic();
}

std::optional<MonoTime> SensirionModuleSim::newestMeasurement() const {
  using std::chrono::seconds;
  if (!measuring_) return std::nullopt;
  // Whole seconds since the start, up to `t`: the measurements made by then.
  auto made = [&](MonoTime t) {
    return t < measuringSince_ ? 0 : (t - measuringSince_) / seconds(1);
  };
  auto n = made(clock_.monotonic());
  const MonoTime newest = measuringSince_ + seconds(n);
  if (cleaningFrom_ && newest >= *cleaningFrom_ && newest < *cleaningFrom_ + seconds(10)) {
    // Cleaning: the newest is the last one made before it began.
    n = made(*cleaningFrom_ - std::chrono::nanoseconds(1));
  }
  if (n < 1) return std::nullopt;
  return measuringSince_ + seconds(n);
}

Status SensirionRhtSim::replyResult(std::span<std::uint8_t> out, double rhOffset, double rhSpan) {
  // No conversion, or one still running: the chip NACKs the read header.
  if (!converting_ || clock_.monotonic() < readyAt_) return nack();
  if (out.size() != 6) return makeError(ErrorCode::Invalid, "a result is 6 bytes");
  converting_ = false;
  std::array<std::uint16_t, 2> words = {sensirionTicks((temperature_ + 45.0) * 65535.0 / 175.0),
                                        sensirionTicks((humidity_ - rhOffset) * 65535.0 / rhSpan)};
  if (raw_) words = *raw_;
  if (stuck_) {
    std::fill(out.begin(), out.end(), std::uint8_t{0xFF});
    return {};
  }
  reply(out, words);
  return {};
}

}  // namespace sckd::testing
