#pragma once
// The I2C bus as drivers see it: a few transfer shapes, each an explicit choice because chips
// differ (docs/hardware.md). The Linux implementation is drivers/bus/linux_i2c_bus.*
// (/dev/i2c-N through i2c-dev); tests use tests/fakes/fake_i2c_bus.*, which routes the same
// transfers to chip simulators. Everything runs on the one loop thread, so transfers on a
// shared bus never interleave.

#include <cstdint>
#include <span>
#include <string>

#include "daemon/base/result.h"

namespace sckd {

class I2cBus {
 public:
  virtual ~I2cBus() = default;

  // "i2c-1", for messages: "bme280@i2c-1:0x76: read 0xF7: Remote I/O error".
  virtual const std::string& name() const = 0;

  // START, address+W, bytes, STOP. Sensirion commands.
  virtual Status write(std::uint8_t address, std::span<const std::uint8_t> bytes) = 0;
  // START, address+R, bytes, STOP. Sensirion results, read after a STOP (SCD30 requires it).
  virtual Status read(std::uint8_t address, std::span<std::uint8_t> bytes) = 0;
  // write then read joined by a repeated START, in one transaction (I2C_RDWR with two
  // messages). Register-map chips; the MPL3115A2 returns garbage if a STOP comes between.
  virtual Status writeRead(std::uint8_t address, std::span<const std::uint8_t> out,
                           std::span<std::uint8_t> in) = 0;

  // SMBus-shaped register access, for chips that are SMBus devices (and the kernel's i2c-stub).
  virtual Result<std::uint8_t> readByteData(std::uint8_t address, std::uint8_t reg) = 0;
  virtual Status writeByteData(std::uint8_t address, std::uint8_t reg, std::uint8_t value) = 0;
  // SMBus "I2C block read": up to 32 bytes starting at `reg`.
  virtual Status readBlockData(std::uint8_t address, std::uint8_t reg,
                               std::span<std::uint8_t> bytes) = 0;

  // Probes for `sckd scan`, chosen per address range the way i2cdetect does: a quick write
  // can corrupt some EEPROMs and a read-byte can lock write-only chips.
  virtual Status probeQuickWrite(std::uint8_t address) = 0;
  virtual Status probeReadByte(std::uint8_t address) = 0;
};

// Hands drivers their bus. A bus is opened on first use and shared by every sensor on it;
// opening never fails here: a missing /dev/i2c-N is reported by the first transfer, so a
// sensor on a bus that appears later (a module loaded late) recovers by itself.
class I2cBuses {
 public:
  virtual ~I2cBuses() = default;
  virtual I2cBus& bus(int number) = 0;
};

}  // namespace sckd
