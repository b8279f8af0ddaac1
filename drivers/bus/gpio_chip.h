#pragma once
// GPIO as drivers see it: the kernel's GPIO character devices (/dev/gpiochipN), their lines,
// and one line requested as an input whose edges the kernel timestamps. The Linux
// implementations are drivers/bus/gpiod_v1.cpp (libgpiod 1.6, Debian 12) and
// drivers/bus/gpiod_v2.cpp (libgpiod 2.x, Debian 13), one chosen at configure time; tests
// use tests/fakes/fake_gpio.*. Everything runs on the loop thread.

#include <memory>
#include <string>
#include <vector>

#include "daemon/base/clock.h"
#include "daemon/base/result.h"

namespace sckd {

enum class GpioBias { AsIs, PullUp, PullDown, Disabled };
enum class GpioEdges { None, Rising, Falling, Both };

// How one line is requested: always as an input.
struct GpioLineRequest {
  std::string chip;      // the chip's name, "gpiochip0" (see findGpioLine)
  unsigned offset = 0;   // the line's number on that chip
  std::string consumer;  // who holds it, as gpioinfo and `sckd scan --gpio` show: "sckd"
  GpioBias bias = GpioBias::AsIs;
  bool activeLow = false;  // the kernel inverts the level and swaps rising and falling
  GpioEdges edges = GpioEdges::None;
};

struct GpioEdge {
  bool rising = false;  // logical (after active_low): true when the line became active
  Nanos timestamp{0};   // when the kernel saw it, CLOCK_MONOTONIC (MonoClock's epoch)
};

// A requested line; released when destroyed.
class GpioLine {
 public:
  virtual ~GpioLine() = default;
  // Readable while edge events wait (watch it with the loop's FdWatcher); -1 when the line
  // was requested without edges.
  virtual int eventFd() const = 0;
  // Every edge waiting, oldest first, without blocking; empty when none waits. An error
  // means the line is gone (its chip was removed): drop it and request it again later.
  virtual Result<std::vector<GpioEdge>> readEdges() = 0;
  // The logical level now (true: active).
  virtual Result<bool> value() = 0;
};

struct GpioLineInfo {
  unsigned offset = 0;
  std::string name;      // "GPIO17"; empty when the chip names none
  bool used = false;     // requested by someone (a kernel driver or a process)
  std::string consumer;  // who, when used and known
  bool output = false;
};

struct GpioChipInfo {
  std::string name;   // "gpiochip0"
  std::string label;  // "pinctrl-bcm2711", "pinctrl-rp1", "gpio-sim.0-node0"
  std::vector<GpioLineInfo> lines;
};

class GpioChips {
 public:
  virtual ~GpioChips() = default;
  // Every chip there is now, in name order (gpiochip2 before gpiochip10), with its lines.
  // An empty list is not an error: a machine may have no GPIO.
  virtual Result<std::vector<GpioChipInfo>> list() = 0;
  // Requests one line as an input. Busy when someone else holds it, Absent when the chip
  // or line does not exist, Permission when /dev/gpiochipN may not be opened.
  virtual Result<std::unique_ptr<GpioLine>> request(const GpioLineRequest& request) = 0;
};

// Where a sensor's `chip:` and `line:` point: the chip by name ("gpiochip0") or label
// ("pinctrl-rp1"), the line by number ("17") or name ("GPIO17"). Absent, with what there
// is, when either does not exist.
struct GpioLineAddress {
  std::string chip;  // the chip's name
  unsigned offset = 0;
};
Result<GpioLineAddress> findGpioLine(GpioChips& chips, const std::string& chip,
                                     const std::string& line);

}  // namespace sckd
