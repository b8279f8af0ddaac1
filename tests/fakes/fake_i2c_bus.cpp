#include "tests/fakes/fake_i2c_bus.h"

#include <cstdio>

namespace sckd::testing {
namespace {

std::string hexBytes(std::span<const std::uint8_t> bytes) {
  std::string text;
  char b[4];
  for (std::uint8_t v : bytes) {
    std::snprintf(b, sizeof b, "%02x", v);
    if (!text.empty()) text += ' ';
    text += b;
  }
  return text;
}

std::string hexAddress(std::uint8_t address) {
  char b[8];
  std::snprintf(b, sizeof b, "0x%02x", address);
  return b;
}

}  // namespace

void FakeI2cBus::inject(std::uint8_t address, BusFault fault, int count) {
  if (fault == BusFault::None) {
    faults_.erase(address);
    return;
  }
  faults_[address] = Injected{fault, count};
}

Result<ChipSimulator*> FakeI2cBus::target(std::uint8_t address) {
  if (auto f = faults_.find(address); f != faults_.end()) {
    BusFault fault = f->second.fault;
    if (f->second.remaining > 0 && --f->second.remaining == 0) faults_.erase(f);
    switch (fault) {
      case BusFault::Nack:
        return nack();
      case BusFault::Io:
        return makeError(ErrorCode::Io, "Input/output error");
      case BusFault::Timeout:
        return makeError(ErrorCode::Timeout, "Connection timed out");
      case BusFault::None:
        break;
    }
  }
  auto chip = chips_.find(address);
  if (chip == chips_.end()) return nack();
  return chip->second.get();
}

Status FakeI2cBus::write(std::uint8_t address, std::span<const std::uint8_t> bytes) {
  transcript_.push_back("w " + hexAddress(address) + ": " + hexBytes(bytes));
  auto chip = target(address);
  if (!chip.ok()) return withContext("write", chip.error());
  return (*chip)->onWrite(bytes).context("write");
}

Status FakeI2cBus::read(std::uint8_t address, std::span<std::uint8_t> bytes) {
  transcript_.push_back("r " + hexAddress(address) + ": " + std::to_string(bytes.size()));
  auto chip = target(address);
  if (!chip.ok()) return withContext("read", chip.error());
  return (*chip)->onRead(bytes).context("read");
}

Status FakeI2cBus::writeRead(std::uint8_t address, std::span<const std::uint8_t> out,
                             std::span<std::uint8_t> in) {
  transcript_.push_back("wr " + hexAddress(address) + ": " + hexBytes(out) + " -> " +
                        std::to_string(in.size()));
  auto chip = target(address);
  if (!chip.ok()) return withContext("write+read", chip.error());
  return (*chip)->onWriteRead(out, in).context("write+read");
}

Result<std::uint8_t> FakeI2cBus::readByteData(std::uint8_t address, std::uint8_t reg) {
  std::uint8_t value = 0;
  const std::uint8_t out[1] = {reg};
  if (Status s = writeRead(address, out, std::span<std::uint8_t>(&value, 1)); !s.ok())
    return s.error();
  return value;
}

Status FakeI2cBus::writeByteData(std::uint8_t address, std::uint8_t reg, std::uint8_t value) {
  const std::uint8_t bytes[2] = {reg, value};
  return write(address, bytes);
}

Status FakeI2cBus::readBlockData(std::uint8_t address, std::uint8_t reg,
                                 std::span<std::uint8_t> bytes) {
  const std::uint8_t out[1] = {reg};
  return writeRead(address, out, bytes);
}

Status FakeI2cBus::probeQuickWrite(std::uint8_t address) {
  transcript_.push_back("q " + hexAddress(address));
  auto chip = target(address);
  return chip.ok() ? Status{} : Status{chip.error()};
}

Status FakeI2cBus::probeReadByte(std::uint8_t address) {
  std::uint8_t value = 0;
  return read(address, std::span<std::uint8_t>(&value, 1));
}

FakeI2cBus& FakeI2cBuses::fake(int number) {
  auto& slot = buses_[number];
  if (!slot) slot = std::make_unique<FakeI2cBus>("i2c-" + std::to_string(number));
  return *slot;
}

}  // namespace sckd::testing
