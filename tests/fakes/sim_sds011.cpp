#include "tests/fakes/sim_sds011.h"

namespace sckd::testing {
namespace {

constexpr std::uint8_t kId1 = 0xA1;
constexpr std::uint8_t kId2 = 0x60;

std::uint8_t lowSum(const std::vector<std::uint8_t>& bytes, std::size_t from, std::size_t to) {
  unsigned sum = 0;
  for (std::size_t i = from; i < to; ++i) sum += bytes[i];
  return static_cast<std::uint8_t>(sum & 0xFF);
}

}  // namespace

void SimSds011::parse(std::vector<std::uint8_t>& input) {
  std::size_t at = 0;
  while (input.size() - at >= 2) {
    if (input[at] != 0xAA || input[at + 1] != 0xB4) {
      ++at;
      continue;
    }
    if (input.size() - at < 19) break;
    const std::vector<std::uint8_t> command(input.begin() + static_cast<std::ptrdiff_t>(at),
                                            input.begin() + static_cast<std::ptrdiff_t>(at + 19));
    if (command[18] != 0xAB || lowSum(command, 2, 17) != command[17]) {
      record("ignored bad checksum");
      ++at;
      continue;
    }
    at += 19;
    handle(command);
  }
  if (input.size() - at == 1 && input[at] != 0xAA) ++at;
  input.erase(input.begin(), input.begin() + static_cast<std::ptrdiff_t>(at));
}

void SimSds011::handle(const std::vector<std::uint8_t>& c) {
  const std::uint8_t cmd = c[2];
  const bool set = c[3] == 1;
  if (asleep() && !(cmd == 6 && set && c[4] == 1)) {
    record("ignored asleep");
    return;
  }
  switch (cmd) {
    case 2:
      if (set) {
        record(c[4] == 1 ? "passive" : "active");
        setPassive(c[4] == 1);
      }
      reply(2, c[3], passive() ? 1 : 0);
      break;
    case 4:
      record("read");
      sendFrame();
      break;
    case 6:
      if (set) {
        record(c[4] == 1 ? "wake" : "sleep");
        reply(6, 1, c[4]);
        setAwake(c[4] == 1);
      } else {
        reply(6, 0, awake() ? 1 : 0);
      }
      break;
    default:
      record("ignored unknown");
      break;
  }
}

void SimSds011::reply(std::uint8_t command, std::uint8_t d2, std::uint8_t d3) {
  std::vector<std::uint8_t> out = {0xAA, 0xC5, command, d2, d3, 0x00, kId1, kId2};
  out.push_back(lowSum(out, 2, 8));
  out.push_back(0xAB);
  send(out);
}

std::vector<std::uint8_t> SimSds011::dataFrame(bool corrupt) const {
  std::vector<std::uint8_t> out = {0xAA,
                                   0xC0,
                                   static_cast<std::uint8_t>(pm25_ & 0xFF),
                                   static_cast<std::uint8_t>(pm25_ >> 8),
                                   static_cast<std::uint8_t>(pm10_ & 0xFF),
                                   static_cast<std::uint8_t>(pm10_ >> 8),
                                   kId1,
                                   kId2};
  out.push_back(static_cast<std::uint8_t>(lowSum(out, 2, 8) + (corrupt ? 1 : 0)));
  out.push_back(0xAB);
  return out;
}

}  // namespace sckd::testing
