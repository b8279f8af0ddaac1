#include "tests/fakes/sim_pms5003.h"

#include <string>

namespace sckd::testing {
namespace {

void putWord(std::vector<std::uint8_t>& out, unsigned word) {
  out.push_back(static_cast<std::uint8_t>(word >> 8));
  out.push_back(static_cast<std::uint8_t>(word & 0xFF));
}

// The protocol's check code: the 16-bit sum of every byte before it.
unsigned sumOf(const std::vector<std::uint8_t>& bytes, std::size_t count) {
  unsigned sum = 0;
  for (std::size_t i = 0; i < count; ++i) sum += bytes[i];
  return sum & 0xFFFF;
}

}  // namespace

void SimPms5003::parse(std::vector<std::uint8_t>& input) {
  std::size_t at = 0;
  while (input.size() - at >= 2) {
    if (input[at] != 0x42 || input[at + 1] != 0x4D) {
      ++at;
      continue;
    }
    if (input.size() - at < 7) break;
    const std::vector<std::uint8_t> command(input.begin() + static_cast<std::ptrdiff_t>(at),
                                            input.begin() + static_cast<std::ptrdiff_t>(at + 7));
    at += 7;
    if (sumOf(command, 5) != (static_cast<unsigned>(command[5]) << 8 | command[6])) {
      record("ignored bad checksum");
      continue;
    }
    handle(command[2], static_cast<std::uint16_t>(command[3] << 8 | command[4]));
  }
  if (input.size() - at == 1 && input[at] != 0x42) ++at;
  input.erase(input.begin(), input.begin() + static_cast<std::ptrdiff_t>(at));
}

void SimPms5003::handle(std::uint8_t command, std::uint16_t data) {
  if (asleep() && !(command == 0xE4 && data == 1)) {
    record("ignored asleep");
    return;
  }
  switch (command) {
    case 0xE1:
      record(data == 0 ? "passive" : "active");
      setPassive(data == 0);
      answer(command, data);
      break;
    case 0xE2:
      record("read");
      if (passive()) sendFrame();
      break;
    case 0xE4:
      record(data == 0 ? "sleep" : "wake");
      answer(command, data);
      setAwake(data != 0);
      break;
    default:
      record("ignored unknown");
      break;
  }
}

void SimPms5003::answer(std::uint8_t command, std::uint16_t data) {
  if (!answersCommands_) return;
  std::vector<std::uint8_t> out = {0x42, 0x4D,    0x00,
                                   0x04, command, static_cast<std::uint8_t>(data & 0xFF)};
  putWord(out, sumOf(out, out.size()));
  send(out);
}

std::vector<std::uint8_t> SimPms5003::dataFrame(bool corrupt) const {
  std::vector<std::uint8_t> out = {0x42, 0x4D};
  putWord(out, 28);  // 13 data words and the check code
  for (unsigned v : standard_) putWord(out, v);
  for (unsigned v : atmospheric_) putWord(out, v);
  for (unsigned v : counts_) putWord(out, v);
  putWord(out, 0x9700);  // data 13: reserved (a PMS7003 puts its version here)
  putWord(out, (sumOf(out, out.size()) + (corrupt ? 1 : 0)) & 0xFFFF);
  return out;
}

}  // namespace sckd::testing
