#include "tests/fakes/sim_serial.h"

#include <fcntl.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sckd::testing {

Status SimSerialSensor::plugIn() {
  unplug();
  UniqueFd master(::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC));
  if (!master) return makeError(errorCodeFromErrno(errno), "posix_openpt failed");
  char name[128];
  if (::grantpt(master.get()) != 0 || ::unlockpt(master.get()) != 0 ||
      ::ptsname_r(master.get(), name, sizeof name) != 0) {
    return makeError(ErrorCode::Io, std::string("pty setup: ") + std::strerror(errno));
  }
  const int flags = ::fcntl(master.get(), F_GETFL);
  if (flags < 0 || ::fcntl(master.get(), F_SETFL, flags | O_NONBLOCK) != 0) {
    return makeError(ErrorCode::Io, "pty master: O_NONBLOCK");
  }
  UniqueFd slave(::open(name, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC));
  if (!slave) return makeError(errorCodeFromErrno(errno), std::string("open ") + name);
  // Raw from the start, so nothing the simulator sends before the driver opens the port is
  // echoed back or edited by a line discipline.
  termios tio{};
  if (::tcgetattr(slave.get(), &tio) == 0) {
    ::cfmakeraw(&tio);
    (void)::tcsetattr(slave.get(), TCSANOW, &tio);
  }
  master_ = std::move(master);
  slave_ = std::move(slave);
  path_ = name;
  return {};
}

void SimSerialSensor::unplug() {
  master_.reset();
  slave_.reset();
  input_.clear();
  pendingHalf_.clear();
  // Power comes back with the cable: awake and in active mode, as the datasheets say.
  passive_ = false;
  awake_ = true;
  lastActiveFrame_.reset();
}

void SimSerialSensor::serve() {
  if (!master_) return;
  if (!pendingHalf_.empty()) {
    const std::vector<std::uint8_t> rest = std::move(pendingHalf_);
    pendingHalf_.clear();
    send(rest);
  }
  std::uint8_t chunk[256];
  for (;;) {
    const ssize_t n = ::read(master_.get(), chunk, sizeof chunk);
    if (n > 0) {
      input_.insert(input_.end(), chunk, chunk + n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    break;  // EAGAIN: all read; EIO: no slave open right now
  }
  if (awake_ && !passive_) {
    const MonoTime now = clock_.monotonic();
    if (!lastActiveFrame_ || now - *lastActiveFrame_ >= std::chrono::seconds(1)) {
      lastActiveFrame_ = now;
      sendDataFrame();
    }
  }
  parse(input_);
}

void SimSerialSensor::sendFrame() {
  sendDataFrame();
}

void SimSerialSensor::sendDataFrame() {
  if (silent_ || !master_) return;
  std::vector<std::uint8_t> bytes = std::move(garbage_);
  garbage_.clear();
  const std::vector<std::uint8_t> frame = dataFrame(corrupt_ > 0);
  if (corrupt_ > 0) --corrupt_;
  std::size_t cut = frame.size();
  if (split_) {
    cut = frame.size() / 2;
    split_ = false;
    pendingHalf_.assign(frame.begin() + static_cast<std::ptrdiff_t>(cut), frame.end());
  }
  bytes.insert(bytes.end(), frame.begin(), frame.begin() + static_cast<std::ptrdiff_t>(cut));
  send(bytes);
  ++framesSent_;
}

void SimSerialSensor::send(std::span<const std::uint8_t> bytes) {
  if (silent_ || !master_) return;
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(master_.get(), bytes.data() + done, bytes.size() - done);
    if (n > 0) {
      done += static_cast<std::size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      return;  // the tty's buffer is full: a real sensor's bytes would be lost too
    }
  }
}

void SimSerialSensor::record(std::string command) {
  std::lock_guard<std::mutex> lock(eventsMutex_);
  events_.push_back({clock_.monotonic(), std::move(command)});
}

void SimSerialSensor::setAwake(bool awake) {
  if (awake && !awake_) lastActiveFrame_.reset();
  awake_ = awake;
}

std::vector<SimSerialEvent> SimSerialSensor::events() const {
  std::lock_guard<std::mutex> lock(eventsMutex_);
  return events_;
}

void SimSerialSensor::clearEvents() {
  std::lock_guard<std::mutex> lock(eventsMutex_);
  events_.clear();
}

std::string SimSerialSensor::commands() const {
  std::string out;
  for (const SimSerialEvent& e : events()) out += (out.empty() ? "" : " ") + e.command;
  return out;
}

}  // namespace sckd::testing
