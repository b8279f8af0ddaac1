// The termios seam through a real pseudo-terminal: raw 9600 8N1, non-blocking reads, the
// input flush, one user at a time, and errors that say what to do.

#include "drivers/bus/serial_port.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <string>
#include <vector>

#include "tests/drivers/driver_fixture.h"
#include "tests/support/temp_dir.h"

namespace sckd::testing {
namespace {

using Bytes = std::vector<std::uint8_t>;

// The test's end of the line: a pty master and the slave's path.
struct Pty {
  UniqueFd master;
  std::string path;
};

Pty openPty() {
  Pty pty;
  pty.master.reset(::posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC));
  EXPECT_TRUE(pty.master.valid());
  EXPECT_EQ(::grantpt(pty.master.get()), 0);
  EXPECT_EQ(::unlockpt(pty.master.get()), 0);
  char name[128] = {};
  EXPECT_EQ(::ptsname_r(pty.master.get(), name, sizeof name), 0);
  pty.path = name;
  return pty;
}

Bytes readMaster(int fd) {
  Bytes out(256);
  const ssize_t n = ::read(fd, out.data(), out.size());
  out.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  return out;
}

TEST(SerialPort, OpensRaw9600EightNOne) {
  Pty pty = openPty();
  Result<SerialPort> port = SerialPort::open(pty.path);
  ASSERT_TRUE(port.ok()) << port.error().message;
  termios tio{};
  ASSERT_EQ(::tcgetattr(port->fd(), &tio), 0);
  EXPECT_EQ(::cfgetispeed(&tio), B9600);
  EXPECT_EQ(::cfgetospeed(&tio), B9600);
  EXPECT_EQ(tio.c_cflag & CSIZE, static_cast<tcflag_t>(CS8));
  EXPECT_EQ(tio.c_cflag & (PARENB | CSTOPB | CRTSCTS), 0u);
  EXPECT_EQ(tio.c_cflag & (CLOCAL | CREAD), static_cast<tcflag_t>(CLOCAL | CREAD));
  EXPECT_EQ(tio.c_lflag & (ICANON | ECHO | ISIG), 0u);
  EXPECT_EQ(tio.c_iflag & (IXON | IXOFF | ICRNL), 0u);
  EXPECT_EQ(tio.c_oflag & OPOST, 0u);
  EXPECT_NE(::fcntl(port->fd(), F_GETFL) & O_NONBLOCK, 0);
}

TEST(SerialPort, WritesReadsWithoutBlockingAndFlushes) {
  Pty pty = openPty();
  Result<SerialPort> port = SerialPort::open(pty.path);
  ASSERT_TRUE(port.ok()) << port.error().message;
  // Bytes a cooked tty would change (CR, ^C, ^D) pass untouched both ways.
  const Bytes command = {0x42, 0x4D, 0x0D, 0x03, 0x04, 0x0A, 0xFF};
  ASSERT_TRUE(port->write(command).ok());
  EXPECT_EQ(readMaster(pty.master.get()), command);

  Bytes in;
  Result<std::size_t> n = port->readAvailable(in);
  ASSERT_TRUE(n.ok()) << n.error().message;
  EXPECT_EQ(*n, 0u);  // nothing there: no wait, no error
  ASSERT_EQ(::write(pty.master.get(), command.data(), command.size()), 7);
  n = port->readAvailable(in);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(in, command);

  ASSERT_EQ(::write(pty.master.get(), command.data(), command.size()), 7);
  ASSERT_TRUE(port->flushInput().ok());
  in.clear();
  n = port->readAvailable(in);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 0u) << "flushed bytes came back";
}

TEST(SerialPort, ASecondUserIsRefused) {
  Pty pty = openPty();
  Result<SerialPort> first = SerialPort::open(pty.path);
  ASSERT_TRUE(first.ok());
  Result<SerialPort> second = SerialPort::open(pty.path);
  ASSERT_TRUE(failsWith(second, ErrorCode::Busy, "a running sckd"));
  first = makeError(ErrorCode::Io, "closed");  // the first one lets go
  EXPECT_TRUE(SerialPort::open(pty.path).ok());
}

TEST(SerialPort, AHangUpIsAnIoErrorThatSaysUnplugged) {
  Pty pty = openPty();
  Result<SerialPort> port = SerialPort::open(pty.path);
  ASSERT_TRUE(port.ok());
  pty.master.reset();  // the USB adapter pulled
  Bytes in;
  EXPECT_TRUE(failsWith(port->readAvailable(in), ErrorCode::Io, "unplugged"));
  EXPECT_TRUE(failsWith(port->write(Bytes{1}), ErrorCode::Io, "unplugged"));
}

TEST(SerialPort, OpenErrorsNameThePortAndTheFix) {
  EXPECT_TRUE(failsWith(SerialPort::open("/dev/sckd-no-such-serial"), ErrorCode::Absent,
                        "/dev/sckd-no-such-serial"));
  EXPECT_TRUE(failsWith(SerialPort::open("/dev/sckd-no-such-serial"), ErrorCode::Absent,
                        "enable_uart=1 in /boot/firmware/config.txt"));
  EXPECT_TRUE(failsWith(SerialPort::open("/dev/ttyUSB-sckd-none"), ErrorCode::Absent,
                        "USB serial adapter plugged in"));
  TempDir dir("sckd-serial");
  std::ofstream(dir.file("plain")) << "not a tty\n";
  EXPECT_TRUE(
      failsWith(SerialPort::open(dir.file("plain")), ErrorCode::Invalid, "not a serial port"));
  // Permission cannot be provoked as root; the hint is the same code path.
  EXPECT_EQ(serialError("open", "/dev/serial0", EACCES).code, ErrorCode::Permission);
  EXPECT_NE(serialError("open", "/dev/serial0", EACCES).message.find("group dialout"),
            std::string::npos);
  EXPECT_NE(serialError("read", "/dev/ttyUSB0", ENXIO).message.find("unplugged"),
            std::string::npos);
}

}  // namespace
}  // namespace sckd::testing
