#pragma once
// The GpioChips seam for tests: chips and lines described in code, and an event injector.
// A requested line's eventFd() is a real eventfd, readable while injected edges wait, so
// the same fake works under FakeFdWatcher and under the daemon's real event loop. Edges
// may be injected from another thread (an end-to-end test binary's pulse generator).

#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "daemon/base/unique_fd.h"
#include "drivers/bus/gpio_chip.h"

namespace sckd::testing {

class FakeGpioChips final : public GpioChips {
 public:
  // A chip with `lines` lines, named from `names` where given.
  void addChip(std::string name, std::string label, unsigned lines,
               std::vector<std::string> names = {});
  // The chip goes away (unplugged, driver unloaded): its requested lines report errors,
  // and new requests find nothing. addChip() brings it back, with no line held.
  void removeChip(const std::string& name);
  // Someone else (a kernel driver, another program) holds this line.
  void holdLine(const std::string& chip, unsigned offset, std::string consumer);

  // An edge on a requested line with edges on, at `timestamp` (MonoClock's epoch);
  // ignored when no one has requested the line, as the kernel would. `rising` is logical.
  void edge(const std::string& chip, unsigned offset, bool rising, Nanos timestamp);
  // The line's logical level, as value() reads it.
  void setLevel(const std::string& chip, unsigned offset, bool level);

  // The last request made for the line (bias, active_low, edges), for assertions.
  GpioLineRequest lastRequest(const std::string& chip, unsigned offset) const;
  int requests() const;

  Result<std::vector<GpioChipInfo>> list() override;
  Result<std::unique_ptr<GpioLine>> request(const GpioLineRequest& request) override;

  struct LineState {
    std::mutex mutex;
    bool requested = false;
    bool gone = false;
    bool level = false;
    GpioEdges edges = GpioEdges::None;
    std::deque<GpioEdge> waiting;
    UniqueFd eventFd;
  };

 private:
  struct Line {
    std::string name;
    std::string heldBy;  // another consumer
    std::shared_ptr<LineState> state;
    GpioLineRequest last;
  };
  struct Chip {
    std::string label;
    std::vector<Line> lines;
  };
  Line* find(const std::string& chip, unsigned offset);

  mutable std::mutex mutex_;
  std::map<std::string, Chip> chips_;
  int requests_ = 0;
};

}  // namespace sckd::testing
