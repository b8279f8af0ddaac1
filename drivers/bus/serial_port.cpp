#include "drivers/bus/serial_port.h"

#include <fcntl.h>
#include <sys/file.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>

namespace sckd {
namespace {

bool isUsbAdapter(const std::string& path) {
  return path.find("ttyUSB") != std::string::npos || path.find("ttyACM") != std::string::npos;
}

// What the user can do about `err` on `path`: the common failures on a Raspberry Pi.
std::string hintFor(const std::string& path, int err) {
  switch (err) {
    case EACCES:
    case EPERM:
      return "the user needs to be in group dialout";
    case ENOENT:
    case ENODEV:
      return isUsbAdapter(path)
                 ? "is the USB serial adapter plugged in?"
                 : "is the UART enabled? enable_uart=1 in /boot/firmware/config.txt, and "
                   "raspi-config: Interface, Serial: login shell no, hardware yes";
    case EIO:
    case ENXIO:
      return "the serial adapter was unplugged";
    case EBUSY:
    case EWOULDBLOCK:
      return "another program holds it: a running sckd (stop it before `sckd check`), "
             "ModemManager or a serial console";
    case ENOTTY:
      return "not a serial port";
    default:
      return {};
  }
}

}  // namespace

Error serialError(const std::string& what, const std::string& path, int err) {
  std::string text = what + " " + path + ": " + std::strerror(err);
  if (std::string hint = hintFor(path, err); !hint.empty()) text += " (" + hint + ")";
  ErrorCode code = errorCodeFromErrno(err);
  if (err == EWOULDBLOCK) code = ErrorCode::Busy;  // from flock: someone else has the port
  if (err == ENOTTY) code = ErrorCode::Invalid;
  return makeError(code, std::move(text));
}

Result<SerialPort> SerialPort::open(const std::string& path) {
  // O_NOCTTY: a tty opened by a daemon must never become its controlling terminal, or a
  // hang-up would send it SIGHUP (which sckd takes as "reload").
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC));
  if (!fd) return serialError("open", path, errno);
  if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) return serialError("lock", path, errno);
  termios tio{};
  if (::tcgetattr(fd.get(), &tio) != 0) return serialError("configure", path, errno);
  // Raw: no line editing, echo, signals or byte translation. VMIN stays 1, so a
  // non-blocking read with nothing to read fails with EAGAIN, and 0 means a hang-up.
  ::cfmakeraw(&tio);
  tio.c_cflag &= ~static_cast<tcflag_t>(CSTOPB | PARENB | CRTSCTS | CSIZE);
  tio.c_cflag |= CS8 | CLOCAL | CREAD;  // CLOCAL: no modem lines on a 3- or 4-wire sensor
  tio.c_iflag &= ~static_cast<tcflag_t>(IXON | IXOFF | IXANY);
  tio.c_cc[VMIN] = 1;
  tio.c_cc[VTIME] = 0;
  if (::cfsetispeed(&tio, B9600) != 0 || ::cfsetospeed(&tio, B9600) != 0 ||
      ::tcsetattr(fd.get(), TCSANOW, &tio) != 0) {
    return serialError("configure", path, errno);
  }
  return SerialPort(std::move(fd), path);
}

Status SerialPort::write(std::span<const std::uint8_t> bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd_.get(), bytes.data() + done, bytes.size() - done);
    if (n > 0) {
      done += static_cast<std::size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && errno == EAGAIN) {
      return makeError(ErrorCode::Timeout,
                       "write " + path_ + ": output buffer full (nothing reads the port?)");
    } else {
      return serialError("write", path_, n < 0 ? errno : EIO);
    }
  }
  return {};
}

Result<std::size_t> SerialPort::readAvailable(std::vector<std::uint8_t>& out) {
  std::size_t total = 0;
  std::uint8_t chunk[256];
  for (;;) {
    const ssize_t n = ::read(fd_.get(), chunk, sizeof chunk);
    if (n > 0) {
      out.insert(out.end(), chunk, chunk + n);
      total += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return total;
    // With VMIN 1 and O_NONBLOCK, 0 is end of file: the tty was hung up.
    return serialError("read", path_, n < 0 ? errno : EIO);
  }
}

Status SerialPort::flushInput() {
  if (::tcflush(fd_.get(), TCIFLUSH) != 0) return serialError("flush", path_, errno);
  return {};
}

}  // namespace sckd
