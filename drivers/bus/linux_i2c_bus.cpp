#include "drivers/bus/linux_i2c_bus.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>

#include "daemon/base/unique_fd.h"
#include "sckd_features.h"

#if SCKD_HAVE_I2C
extern "C" {
#include <i2c/smbus.h>
#include <linux/i2c-dev.h>
#include <linux/i2c.h>
}
#endif

namespace sckd {
namespace {

constexpr std::string_view kNotCompiledIn =
    "needs I2C support, which is not compiled in (rebuild with -Di2c=enabled and libi2c-dev)";

#if SCKD_HAVE_I2C

std::string hex(unsigned value) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%02x", value);
  return text;
}

// errno, with the hint a Raspberry Pi user needs for the common ones.
std::string describeErrno(int err) {
  std::string text = std::strerror(err);
  if (err == EBUSY)
    text += " (a kernel driver owns this address: remove its dtoverlay or use its IIO device)";
  if (err == ENOENT) text += " (is I2C enabled? raspi-config, or dtparam=i2c_arm=on in config.txt)";
  if (err == EACCES || err == EPERM) text += " (the user needs to be in group i2c)";
  return text;
}

class LinuxI2cBus final : public I2cBus {
 public:
  LinuxI2cBus(std::string path, std::string name)
      : path_(std::move(path)), name_(std::move(name)) {}
  LinuxI2cBus(const LinuxI2cBus&) = delete;
  LinuxI2cBus& operator=(const LinuxI2cBus&) = delete;

  const std::string& name() const override { return name_; }

  Status write(std::uint8_t address, std::span<const std::uint8_t> bytes) override {
    i2c_msg msg{address, 0, static_cast<__u16>(bytes.size()),
                const_cast<std::uint8_t*>(bytes.data())};
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
    if (Status s = select(address); !s.ok()) return withContext("read " + hex(reg), s.error());
    const __s32 rc = i2c_smbus_read_byte_data(fd_.get(), reg);
    if (rc < 0) return failed("read " + hex(reg), rc);
    return static_cast<std::uint8_t>(rc);
  }

  Status writeByteData(std::uint8_t address, std::uint8_t reg, std::uint8_t value) override {
    if (Status s = select(address); !s.ok()) return withContext("write " + hex(reg), s.error());
    const __s32 rc = i2c_smbus_write_byte_data(fd_.get(), reg, value);
    if (rc < 0) return failed("write " + hex(reg), rc);
    return {};
  }

  Status readBlockData(std::uint8_t address, std::uint8_t reg,
                       std::span<std::uint8_t> bytes) override {
    const std::string what = "read " + hex(reg);
    if (bytes.size() > I2C_SMBUS_BLOCK_MAX)
      return makeError(ErrorCode::Io, what + ": block read longer than 32 bytes");
    if (Status s = select(address); !s.ok()) return withContext(what, s.error());
    const __s32 rc = i2c_smbus_read_i2c_block_data(fd_.get(), reg, static_cast<__u8>(bytes.size()),
                                                   bytes.data());
    if (rc < 0) return failed(what, rc);
    if (static_cast<std::size_t>(rc) < bytes.size()) {
      return makeError(ErrorCode::Io, what + ": short block (" + std::to_string(rc) + " of " +
                                          std::to_string(bytes.size()) + " bytes)");
    }
    return {};
  }

  Status probeQuickWrite(std::uint8_t address) override {
    if (Status s = select(address); !s.ok()) return withContext("quick write", s.error());
    const __s32 rc = i2c_smbus_write_quick(fd_.get(), I2C_SMBUS_WRITE);
    return rc < 0 ? Status{failed("quick write", rc)} : Status{};
  }

  Status probeReadByte(std::uint8_t address) override {
    if (Status s = select(address); !s.ok()) return withContext("read byte", s.error());
    const __s32 rc = i2c_smbus_read_byte(fd_.get());
    return rc < 0 ? Status{failed("read byte", rc)} : Status{};
  }

 private:
  // Opened on first use and after the adapter went away, so a late bus recovers by itself.
  Status open() {
    if (fd_) return {};
    fd_.reset(::open(path_.c_str(), O_RDWR | O_CLOEXEC));
    if (!fd_)
      return makeError(errorCodeFromErrno(errno), "open " + path_ + ": " + describeErrno(errno));
    return {};
  }

  // libi2c returns -errno.
  static Error failed(const std::string& what, __s32 rc) {
    return makeError(errorCodeFromErrno(-rc), what + ": " + describeErrno(-rc));
  }

  Status select(std::uint8_t address) {
    if (Status opened = open(); !opened.ok()) return opened;
    if (ioctl(fd_.get(), I2C_SLAVE, static_cast<unsigned long>(address)) < 0) {
      return makeError(errorCodeFromErrno(errno),
                       "select " + hex(address) + ": " + describeErrno(errno));
    }
    return {};
  }

  Status transfer(i2c_msg* msgs, unsigned count, const char* what) {
    if (Status opened = open(); !opened.ok()) return opened;
    i2c_rdwr_ioctl_data request{msgs, count};
    if (ioctl(fd_.get(), I2C_RDWR, &request) < 0) return failed(what, -errno);
    return {};
  }

  std::string path_;
  std::string name_;
  UniqueFd fd_;
};

#else  // !SCKD_HAVE_I2C

// Keeps the daemon building and running without libi2c; every use says why it cannot work.
class LinuxI2cBus final : public I2cBus {
 public:
  LinuxI2cBus(std::string /*path*/, std::string name) : name_(std::move(name)) {}
  const std::string& name() const override { return name_; }
  Status write(std::uint8_t, std::span<const std::uint8_t>) override { return error(); }
  Status read(std::uint8_t, std::span<std::uint8_t>) override { return error(); }
  Status writeRead(std::uint8_t, std::span<const std::uint8_t>, std::span<std::uint8_t>) override {
    return error();
  }
  Result<std::uint8_t> readByteData(std::uint8_t, std::uint8_t) override { return error(); }
  Status writeByteData(std::uint8_t, std::uint8_t, std::uint8_t) override { return error(); }
  Status readBlockData(std::uint8_t, std::uint8_t, std::span<std::uint8_t>) override {
    return error();
  }
  Status probeQuickWrite(std::uint8_t) override { return error(); }
  Status probeReadByte(std::uint8_t) override { return error(); }

 private:
  Error error() const {
    return makeError(ErrorCode::Unsupported, name_ + " " + std::string(kNotCompiledIn));
  }
  std::string name_;
};

#endif

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

bool i2cCompiledIn() {
  return SCKD_HAVE_I2C != 0;
}

Status requireI2cSupport(std::string_view driverName) {
  if (i2cCompiledIn()) return {};
  return makeError(ErrorCode::Unsupported,
                   "driver " + std::string(driverName) + " " + std::string(kNotCompiledIn));
}

std::unique_ptr<I2cBuses> makeLinuxI2cBuses(std::string deviceDir) {
  return std::make_unique<LinuxI2cBuses>(std::move(deviceDir));
}

}  // namespace sckd
