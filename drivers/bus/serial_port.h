#pragma once
// A UART as the particulate sensors use it: raw bytes at 9600 baud 8N1, no flow control,
// never blocking. Opened by path (/dev/serial0, /dev/ttyUSB0), locked against a second
// user, and closed exactly once. Every error names the port and says what to do about it:
// group dialout, enable_uart=1, or a cable that was pulled.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "daemon/base/result.h"
#include "daemon/base/unique_fd.h"

namespace sckd {

class SerialPort {
 public:
  // Opens `path` read-write, non-blocking, as no controlling terminal, sets it raw at
  // 9600 baud 8N1 (the only speed the PMS and SDS sensors speak) and takes an exclusive
  // flock on it, so two sckd processes (`sckd check` beside `sckd run`) cannot interleave
  // their commands: the second gets ErrorCode::Busy.
  static Result<SerialPort> open(const std::string& path);

  SerialPort(SerialPort&&) noexcept = default;
  SerialPort& operator=(SerialPort&&) noexcept = default;

  const std::string& path() const { return path_; }
  int fd() const { return fd_.get(); }

  // Writes all of `bytes`. A few bytes always fit the driver's buffer; one that is full
  // (the other end stopped reading) is ErrorCode::Timeout.
  Status write(std::span<const std::uint8_t> bytes);
  // Appends whatever has arrived to `out` without waiting; returns how many bytes (0: none
  // yet). A hang-up (the USB adapter unplugged) is ErrorCode::Io.
  Result<std::size_t> readAvailable(std::vector<std::uint8_t>& out);
  // Drops what arrived and was not read yet (tcflush TCIFLUSH): stale or unasked frames.
  Status flushInput();

 private:
  SerialPort(UniqueFd fd, std::string path) : fd_(std::move(fd)), path_(std::move(path)) {}

  UniqueFd fd_;
  std::string path_;
};

// "<what> <path>: <errno text> (<hint>)", with the code errorCodeFromErrno gives `err`;
// exposed so tests can check the hints without provoking every errno.
Error serialError(const std::string& what, const std::string& path, int err);

}  // namespace sckd
