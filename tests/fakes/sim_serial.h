#pragma once
// What the UART sensor simulators share: a real pseudo-terminal pair, so the driver talks
// to a kernel tty through its real termios code. The driver opens the slave by its path (or
// a symlink to it); the simulator holds the master, reads the driver's commands from it and
// writes the sensor's answers. Nothing runs by itself: a unit test calls serve() between
// the driver's steps (no thread, no sleep); an integration test may call it from a thread.
//
// Faults a sensor and its cable can have: garbage before the next frame, a wrong checksum,
// a frame split across two serve() calls, silence, and the cable pulled (unplug(): the
// master closes, so the driver's reads and writes fail with EIO, as when a USB adapter goes).

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "daemon/base/clock.h"
#include "daemon/base/result.h"
#include "daemon/base/unique_fd.h"

namespace sckd::testing {

// One command the simulator understood, and when (by the clock it was given).
struct SimSerialEvent {
  MonoTime at;
  std::string command;  // "passive", "active", "wake", "sleep", "read", or "ignored <what>"
};

class SimSerialSensor {
 public:
  // `clock` stamps the events and paces active mode (one frame per second); a unit test
  // hands in its FakeClock.
  explicit SimSerialSensor(const Clock& clock) : clock_(clock) {}
  virtual ~SimSerialSensor() = default;
  SimSerialSensor(const SimSerialSensor&) = delete;
  SimSerialSensor& operator=(const SimSerialSensor&) = delete;

  // Opens a new pseudo-terminal pair (the first, or a new one after unplug()): the slave's
  // path is where the driver finds the sensor. The sensor powers up as a real one does:
  // awake, in active mode.
  Status plugIn();
  const std::string& path() const { return path_; }
  // The cable pulled: the pair is closed and the sensor loses its state.
  void unplug();
  bool pluggedIn() const { return master_.valid(); }

  // Reads what the driver sent and answers it; awake in active mode, first sends a frame if
  // a second has passed since the last one. Also finishes a frame split by the last call.
  void serve();
  // Sends one data frame now, unasked (what active mode sends).
  void sendFrame();

  // Faults, each for the next frame sent.
  void sendGarbageFirst(std::vector<std::uint8_t> bytes) { garbage_ = std::move(bytes); }
  void corruptNextChecksums(int frames = 1) { corrupt_ = frames; }
  void splitNextFrame() { split_ = true; }
  // A sensor that reads commands but never answers (unpowered TX, wrong wiring).
  void setSilent(bool silent) { silent_ = silent; }
  // Starts in passive mode and asleep, as an earlier run left it (instead of power-up state).
  void setState(bool passive, bool awake) {
    passive_ = passive;
    awake_ = awake;
  }

  bool awake() const { return awake_; }
  bool passive() const { return passive_; }
  std::vector<SimSerialEvent> events() const;
  void clearEvents();
  // The commands understood, in order ("passive wake read sleep").
  std::string commands() const;
  std::size_t framesSent() const { return framesSent_; }

 protected:
  // Takes the complete commands off the front of `input` (leaving a partial one) and calls
  // handle() for each; skips bytes that cannot start one.
  virtual void parse(std::vector<std::uint8_t>& input) = 0;
  // The bytes of one data frame with the current values; `corrupt`: a wrong checksum.
  virtual std::vector<std::uint8_t> dataFrame(bool corrupt) const = 0;

  // For parse(): what a command means to the sensor state, and the answer to send.
  void record(std::string command);
  void send(std::span<const std::uint8_t> bytes);
  bool asleep() const { return !awake_; }
  void setPassive(bool passive) { passive_ = passive; }
  void setAwake(bool awake);
  bool silent() const { return silent_; }

 private:
  void sendDataFrame();

  const Clock& clock_;
  UniqueFd master_;
  UniqueFd slave_;  // held so the master reads no EIO while the driver has the port closed
  std::string path_;
  std::vector<std::uint8_t> input_;
  std::vector<std::uint8_t> pendingHalf_;  // the second half of a split frame
  std::vector<std::uint8_t> garbage_;
  int corrupt_ = 0;
  bool split_ = false;
  bool silent_ = false;
  bool passive_ = false;
  bool awake_ = true;
  std::optional<MonoTime> lastActiveFrame_;
  std::size_t framesSent_ = 0;
  mutable std::mutex eventsMutex_;  // events() may be read while a thread serves
  std::vector<SimSerialEvent> events_;
};

}  // namespace sckd::testing
