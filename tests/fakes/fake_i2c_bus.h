#pragma once
// A fake I2C bus that routes every transfer to the chip simulator at its address, so drivers
// are proven by the bytes their datasheets define. Bus-level faults (NACK, EIO, a timed-out
// clock stretch) are injected here; chip-level ones (bad CRC, stuck values) in simulators.

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "daemon/base/result.h"
#include "drivers/bus/i2c_bus.h"

namespace sckd::testing {

// One chip on the fake bus. Returning an error means the chip NACKed (or misbehaved): the
// fake bus turns it into the errno text Linux would give.
class ChipSimulator {
 public:
  virtual ~ChipSimulator() = default;
  virtual Status onWrite(std::span<const std::uint8_t> bytes) = 0;
  virtual Status onRead(std::span<std::uint8_t> bytes) = 0;
  // Repeated-START write+read. Default: the write then the read, as most chips see it;
  // a chip that must tell the two shapes apart (SCD30 forbids it) overrides this.
  virtual Status onWriteRead(std::span<const std::uint8_t> out, std::span<std::uint8_t> in) {
    if (Status s = onWrite(out); !s.ok()) return s;
    return onRead(in);
  }
};

// The error a NACKed address gives on Linux.
inline Error nack() {
  return makeError(ErrorCode::Absent, "Remote I/O error");
}

enum class BusFault {
  None,
  Nack,     // every transfer to the address: "Remote I/O error" (unplugged chip)
  Io,       // "Input/output error"
  Timeout,  // "Connection timed out" (a clock stretch past the kernel's timeout)
};

class FakeI2cBus final : public I2cBus {
 public:
  explicit FakeI2cBus(std::string name = "i2c-1") : name_(std::move(name)) {}

  void attach(std::uint8_t address, std::shared_ptr<ChipSimulator> chip) {
    chips_[address] = std::move(chip);
  }
  void detach(std::uint8_t address) { chips_.erase(address); }
  // The next `count` transfers to `address` fail with `fault` (count < 0: until cleared).
  void inject(std::uint8_t address, BusFault fault, int count = -1);

  // Every transfer, in order, as "w 0x44: 24 00" / "r 0x44: 6" / "wr 0x76: f7 -> 8": lets a
  // test assert the transfer SHAPE a driver uses, not only its result.
  const std::vector<std::string>& transcript() const { return transcript_; }
  void clearTranscript() { transcript_.clear(); }

  const std::string& name() const override { return name_; }
  Status write(std::uint8_t address, std::span<const std::uint8_t> bytes) override;
  Status read(std::uint8_t address, std::span<std::uint8_t> bytes) override;
  Status writeRead(std::uint8_t address, std::span<const std::uint8_t> out,
                   std::span<std::uint8_t> in) override;
  Result<std::uint8_t> readByteData(std::uint8_t address, std::uint8_t reg) override;
  Status writeByteData(std::uint8_t address, std::uint8_t reg, std::uint8_t value) override;
  Status readBlockData(std::uint8_t address, std::uint8_t reg,
                       std::span<std::uint8_t> bytes) override;
  Status probeQuickWrite(std::uint8_t address) override;
  Status probeReadByte(std::uint8_t address) override;

 private:
  // The chip at `address`, or an error for an empty address or an injected fault.
  Result<ChipSimulator*> target(std::uint8_t address);

  std::string name_;
  std::map<std::uint8_t, std::shared_ptr<ChipSimulator>> chips_;
  struct Injected {
    BusFault fault;
    int remaining;
  };
  std::map<std::uint8_t, Injected> faults_;
  std::vector<std::string> transcript_;
};

// Every bus number maps to its own FakeI2cBus, created on first use.
class FakeI2cBuses final : public I2cBuses {
 public:
  FakeI2cBus& fake(int number);
  I2cBus& bus(int number) override { return fake(number); }

 private:
  std::map<int, std::unique_ptr<FakeI2cBus>> buses_;
};

}  // namespace sckd::testing
