#include "tests/fakes/sim_sen5x.h"

#include <cmath>
#include <vector>

namespace sckd::testing {

std::array<std::uint16_t, 14> SimSen5x::valueWords() const {
  std::array<std::uint16_t, 14> w{};
  // The inverse of the datasheet's scale factors.
  auto i16 = [](double v, double scale) {
    return static_cast<std::uint16_t>(static_cast<std::int16_t>(std::lround(v * scale)));
  };
  for (std::size_t i = 0; i < 4; ++i) w[i] = static_cast<std::uint16_t>(std::lround(pm_[i] * 10));
  w[4] = model_ >= 54 ? i16(rh_, 100) : 0x7FFF;
  w[5] = model_ >= 54 ? i16(t_, 200) : 0x7FFF;
  w[6] = model_ >= 54 ? i16(voc_, 10) : 0x7FFF;
  w[7] = model_ >= 55 ? i16(nox_, 10) : 0x7FFF;
  for (std::size_t i = 0; i < 5; ++i) {
    w[8 + i] = static_cast<std::uint16_t>(std::lround(numbers_[i] * 10));
  }
  w[13] = static_cast<std::uint16_t>(std::lround(size_ * 1000));
  return w;
}

void SimSen5x::measure() {
  const std::optional<MonoTime> newest = newestMeasurement();
  if (!newest || newest == measuredAt_) return;
  measured_ = valueWords();
  measuredAt_ = newest;
}

void SimSen5x::clearMeasurements() {
  measured_.fill(0xFFFF);
  for (std::size_t i = 4; i < 8; ++i) measured_[i] = 0x7FFF;
  measuredAt_.reset();
  readOut_.reset();
}

Status SimSen5x::onWrite(std::span<const std::uint8_t> bytes) {
  if (busy()) return nack();
  std::optional<SensirionCommand> parsed = parseSensirionCommand(bytes);
  if (!parsed || !parsed->args.empty()) return nack();  // no command of ours takes arguments
  const std::uint16_t command = parsed->code;
  pointer_.reset();
  if (stopOrReset(command, std::chrono::milliseconds(200))) return {};
  switch (command) {
    case 0x0021:
      if (measuring_) return nack();
      startMeasuring();
      clearMeasurements();
      busyFor(std::chrono::milliseconds(50));
      return {};
    case 0x03C4:
    case 0x0413:
    case 0x0202:
      if (!measuring_) return nack();
      [[fallthrough]];
    case 0xD014:
      pointer_ = command;
      readableAt_ = clock_.monotonic() + std::chrono::milliseconds(20);
      return {};
    default:
      return nack();
  }
}

Status SimSen5x::onRead(std::span<std::uint8_t> bytes) {
  if (!pointer_ || clock_.monotonic() < readableAt_) return nack();
  std::vector<std::uint16_t> words;
  measure();
  if (*pointer_ == 0x03C4) {
    // Nothing new since the last read-out: the same values again (datasheet, Read
    // Measured Values), which only the data-ready flag tells apart.
    words.assign(measured_.begin(), measured_.begin() + 8);
    for (std::size_t i = 0; i < 8; ++i) {
      if (raw_[i]) words[i] = *raw_[i];
    }
    readOut_ = measuredAt_;
  } else if (*pointer_ == 0x0413) {
    // The same measurement's mass values, then its numbers and size.
    words.assign(measured_.begin(), measured_.begin() + 4);
    words.insert(words.end(), measured_.begin() + 8, measured_.end());
    for (std::size_t i = 0; i < 10; ++i) {
      if (rawPm_[i]) words[i] = *rawPm_[i];
    }
    readOut_ = measuredAt_;
  } else if (*pointer_ == 0x0202) {
    // Byte 0 is unused (0x00), byte 1 the flag.
    const bool fresh = measuredAt_ && measuredAt_ != readOut_;
    pointer_.reset();
    const std::uint16_t flag[1] = {static_cast<std::uint16_t>(fresh ? 1 : 0)};
    reply(bytes, flag, false);
    return {};
  } else {
    std::string name = productName_.empty() ? "SEN" + std::to_string(model_) : productName_;
    name.resize(32, '\0');
    for (std::size_t i = 0; i < 32; i += 2) {
      words.push_back(static_cast<std::uint16_t>(static_cast<std::uint8_t>(name[i]) << 8 |
                                                 static_cast<std::uint8_t>(name[i + 1])));
    }
  }
  pointer_.reset();
  reply(bytes, words);
  return {};
}

}  // namespace sckd::testing
