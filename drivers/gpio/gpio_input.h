#pragma once
// One GPIO line as an input a driver reads: the `chip:`, `line:`, `bias:`, `active_low:` and
// `debounce:` options, the line requested when first needed and again after it was lost
// (busy, absent, its chip removed), and its edges read by the loop as they arrive, never
// polled. Shared by the `pulse` and `gpio` drivers.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "daemon/base/clock.h"
#include "daemon/base/fd_watcher.h"
#include "drivers/bus/gpio_chip.h"
#include "drivers/driver.h"

namespace sckd {

struct GpioInputSettings {
  std::string chip;  // name or label
  std::string line;  // number or name
  GpioBias bias = GpioBias::AsIs;
  bool activeLow = false;
  GpioEdges edges = GpioEdges::None;
  // An edge less than this after the one before it is contact bounce and ignored.
  Nanos debounce{0};
  std::string consumer;  // "sckd:rain"
};

// The options every GPIO driver has, for its DriverInfo.
std::vector<OptionSpec> gpioInputOptions();
// Reads them from a validated sensor config; `edges` comes from the driver.
GpioInputSettings gpioInputSettings(const SensorConfig& sensor, GpioEdges edges);

class GpioInput {
 public:
  using OnEdge = std::function<void(const GpioEdge&)>;
  // `onEdge` gets every edge that is not bounce, oldest first.
  GpioInput(GpioInputSettings settings, GpioChips& chips, FdWatcher& fds, OnEdge onEdge);
  ~GpioInput();
  GpioInput(const GpioInput&) = delete;
  GpioInput& operator=(const GpioInput&) = delete;

  // Requests the line if it is not held (first use, or lost since): ok when held. The
  // error says which line and why; the caller fails this reading and tries again next time.
  Status request();
  bool held() const { return line_ != nullptr; }
  // Edges reach onEdge: false where no loop watches the line (`sckd check`).
  bool edgesWatched() const { return edgesWatched_; }
  // Hands every edge waiting now to onEdge: what the tick's reading must include.
  Status drain();
  // The line's logical level now.
  Result<bool> level();
  // "GPIO17 (gpiochip0 line 17)": how messages name the line once it was found.
  const std::string& where() const { return where_; }

 private:
  void onReadable();
  void accept(const std::vector<GpioEdge>& edges);
  void lose(const Error& why);

  GpioInputSettings settings_;
  GpioChips& chips_;
  FdWatcher& fds_;
  OnEdge onEdge_;
  std::unique_ptr<GpioLine> line_;
  int watchedFd_ = -1;
  bool edgesWatched_ = false;
  std::optional<Nanos> lastEdge_;  // the last edge seen, bounce included
  std::optional<Error> lost_;      // why the line was dropped, said at the next request
  std::string where_;
};

}  // namespace sckd
