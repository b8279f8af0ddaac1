#include "drivers/bus/linux_i2c_bus.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>

extern "C" {
#include <linux/i2c-dev.h>
#include <linux/i2c.h>
}

namespace sckd {
namespace {

std::string hex(unsigned value) {
  char text[8];
  std::snprintf(text, sizeof text, "0x%02x", value);
  return text;
}

// errno, with the hint a Raspberry Pi user needs for the common ones.
std::string describeErrno(int err) {
  std::string text = std::strerror(err);
  if (err == EBUSY) text += " (a kernel driver owns this address: remove its dtoverlay or use its IIO device)";
  return text;
}

class LinuxI2cBus final : public I2cBus {
 public:
  LinuxI2cBus(std::string path, std::string name) : path_(std::move(path)), name_(std::move(name)) {}
  ~LinuxI2cBus() override {
    if (fd_ >= 0) close(fd_);
  }

  const std::string& name() const override { return name_; }

  Status write(std::uint8_t address, std::span<const std::uint8_t> bytes) override {
    i2c_msg msg{address, 0, static_cast<__u16>(bytes.size()), const_cast<std::uint8_t*>(bytes.data())};
    return transfer(&msg, 1, "write");
  }

  Status read(std::uint8_t address, std::span<std::uint8_t> bytes) override {
    i2c_msg msg{address, I2C_M_RD, static_cast<__u16>(bytes.size()), bytes.data()};
    return transfer(&msg, 1, "read");
  }

  Status writeRead(std::uint8_t address, std::span<const std::uint8_t> out,
                   std::span<std::uint8_t> in) override {
    i2c_msg msgs[2] = {
        {address, 0, static_cast<__u16>(out.size()), const_cast<std::uint8_t*>(out.data())},
        {address, I2C_M_RD, static_cast<__u16>(in.size()), in.data()},
    };
    return transfer(msgs, 2, "write+read");
  }

  Result<std::uint8_t> readByteData(std::uint8_t address, std::uint8_t reg) override {
    i2c_smbus_data data{};
    if (Status s = smbus(address, I2C_SMBUS_READ, reg, I2C_SMBUS_BYTE_DATA, &data, "read " + hex(reg));
        !s.ok()) {
      return s.error();
    }
    return static_cast<std::uint8_t>(data.byte);
  }

  Status writeByteData(std::uint8_t address, std::uint8_t reg, std::uint8_t value) override {
    i2c_smbus_data data{};
    data.byte = value;
    return smbus(address, I2C_SMBUS_WRITE, reg, I2C_SMBUS_BYTE_DATA, &data, "write " + hex(reg));
  }

  Status readBlockData(std::uint8_t address, std::uint8_t reg, std::span<std::uint8_t> bytes) override {
    if (bytes.size() > I2C_SMBUS_BLOCK_MAX) return makeError("block read longer than 32 bytes");
    i2c_smbus_data data{};
    data.block[0] = static_cast<__u8>(bytes.size());
    if (Status s = smbus(address, I2C_SMBUS_READ, reg, I2C_SMBUS_I2C_BLOCK_DATA, &data,
                         "read " + hex(reg));
        !s.ok()) {
      return s;
    }
    if (data.block[0] < bytes.size()) return makeError("read " + hex(reg) + ": short block");
    std::memcpy(bytes.data(), &data.block[1], bytes.size());
    return {};
  }

  Status probeQuickWrite(std::uint8_t address) override {
    return smbus(address, I2C_SMBUS_WRITE, 0, I2C_SMBUS_QUICK, nullptr, "quick write");
  }

  Status probeReadByte(std::uint8_t address) override {
    i2c_smbus_data data{};
    return smbus(address, I2C_SMBUS_READ, 0, I2C_SMBUS_BYTE, &data, "read byte");
  }

 private:
  Status open() {
    if (fd_ >= 0) return {};
    fd_ = ::open(path_.c_str(), O_RDWR | O_CLOEXEC);
    if (fd_ < 0) {
      int err = errno;
      std::string hint;
      if (err == ENOENT) hint = " (is I2C enabled? raspi-config, or dtparam=i2c_arm=on in config.txt)";
      if (err == EACCES) hint = " (the user needs to be in group i2c)";
      return makeError("open " + path_ + ": " + std::strerror(err) + hint);
    }
    return {};
  }

  Status transfer(i2c_msg* msgs, unsigned count, const char* what) {
    if (Status opened = open(); !opened.ok()) return opened;
    i2c_rdwr_ioctl_data request{msgs, count};
    if (ioctl(fd_, I2C_RDWR, &request) < 0) {
      return makeError(std::string(what) + ": " + describeErrno(errno));
    }
    return {};
  }

  Status smbus(std::uint8_t address, char readWrite, std::uint8_t command, int size,
               i2c_smbus_data* data, const std::string& what) {
    if (Status opened = open(); !opened.ok()) return opened;
    if (ioctl(fd_, I2C_SLAVE, static_cast<unsigned long>(address)) < 0) {
      return makeError(what + ": select " + hex(address) + ": " + describeErrno(errno));
    }
    i2c_smbus_ioctl_data request{static_cast<__u8>(readWrite), command, static_cast<__u32>(size), data};
    if (ioctl(fd_, I2C_SMBUS, &request) < 0) return makeError(what + ": " + describeErrno(errno));
    return {};
  }

  std::string path_;
  std::string name_;
  int fd_ = -1;
};

class LinuxI2cBuses final : public I2cBuses {
 public:
  explicit LinuxI2cBuses(std::string dir) : dir_(std::move(dir)) {}
  I2cBus& bus(int number) override {
    auto& slot = buses_[number];
    if (!slot) {
      std::string name = "i2c-" + std::to_string(number);
      slot = std::make_unique<LinuxI2cBus>(dir_ + "/" + name, name);
    }
    return *slot;
  }

 private:
  std::string dir_;
  std::map<int, std::unique_ptr<LinuxI2cBus>> buses_;
};

}  // namespace

std::unique_ptr<I2cBuses> makeLinuxI2cBuses(std::string deviceDir) {
  return std::make_unique<LinuxI2cBuses>(std::move(deviceDir));
}

}  // namespace sckd
