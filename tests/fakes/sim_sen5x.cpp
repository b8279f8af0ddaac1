#include "tests/fakes/sim_sen5x.h"

#include <cmath>
#include <vector>

namespace sckd::testing {

std::array<std::uint16_t, 8> SimSen5x::valueWords() const {
  std::array<std::uint16_t, 8> w{};
  const bool warm = clock_.monotonic() - measuringSince_ >= std::chrono::seconds(1);
  // The inverse of the datasheet's scale factors.
  auto i16 = [](double v, double scale) {
    return static_cast<std::uint16_t>(static_cast<std::int16_t>(std::lround(v * scale)));
  };
  for (std::size_t i = 0; i < 4; ++i) {
    w[i] = warm ? static_cast<std::uint16_t>(std::lround(pm_[i] * 10)) : 0xFFFF;
  }
  w[4] = warm && model_ >= 54 ? i16(rh_, 100) : 0x7FFF;
  w[5] = warm && model_ >= 54 ? i16(t_, 200) : 0x7FFF;
  w[6] = warm && model_ >= 54 ? i16(voc_, 10) : 0x7FFF;
  w[7] = warm && model_ >= 55 ? i16(nox_, 10) : 0x7FFF;
  for (std::size_t i = 0; i < 8; ++i) {
    if (raw_[i]) w[i] = *raw_[i];
  }
  return w;
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
      busyFor(std::chrono::milliseconds(50));
      return {};
    case 0x03C4:
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
  if (*pointer_ == 0x03C4) {
    auto w = valueWords();
    words.assign(w.begin(), w.end());
  } else if (*pointer_ == 0x0202) {
    words.push_back(1);
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
