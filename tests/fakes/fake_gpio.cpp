#include "tests/fakes/fake_gpio.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdint>

namespace sckd::testing {
namespace {

bool wants(GpioEdges edges, bool rising) {
  return edges == GpioEdges::Both || (rising && edges == GpioEdges::Rising) ||
         (!rising && edges == GpioEdges::Falling);
}

class FakeGpioLine final : public GpioLine {
 public:
  explicit FakeGpioLine(std::shared_ptr<FakeGpioChips::LineState> state)
      : state_(std::move(state)) {}
  ~FakeGpioLine() override {
    std::lock_guard lock(state_->mutex);
    state_->requested = false;
  }
  FakeGpioLine(const FakeGpioLine&) = delete;
  FakeGpioLine& operator=(const FakeGpioLine&) = delete;

  int eventFd() const override {
    return state_->edges == GpioEdges::None ? -1 : state_->eventFd.get();
  }

  Result<std::vector<GpioEdge>> readEdges() override {
    std::lock_guard lock(state_->mutex);
    if (state_->gone) return makeError(ErrorCode::Absent, "read edges: No such device");
    std::vector<GpioEdge> edges(state_->waiting.begin(), state_->waiting.end());
    state_->waiting.clear();
    std::uint64_t drained = 0;
    (void)::read(state_->eventFd.get(), &drained, sizeof drained);
    return edges;
  }

  Result<bool> value() override {
    std::lock_guard lock(state_->mutex);
    if (state_->gone) return makeError(ErrorCode::Absent, "read the level: No such device");
    return state_->level;
  }

 private:
  std::shared_ptr<FakeGpioChips::LineState> state_;
};

}  // namespace

void FakeGpioChips::addChip(std::string name, std::string label, unsigned lines,
                            std::vector<std::string> names) {
  std::lock_guard lock(mutex_);
  Chip chip;
  chip.label = std::move(label);
  chip.lines.resize(lines);
  for (unsigned i = 0; i < lines && i < names.size(); ++i) chip.lines[i].name = names[i];
  chips_[std::move(name)] = std::move(chip);
}

void FakeGpioChips::removeChip(const std::string& name) {
  std::lock_guard lock(mutex_);
  auto it = chips_.find(name);
  if (it == chips_.end()) return;
  for (Line& line : it->second.lines) {
    if (!line.state) continue;
    std::lock_guard lineLock(line.state->mutex);
    line.state->gone = true;
    const std::uint64_t one = 1;
    (void)::write(line.state->eventFd.get(), &one, sizeof one);  // a hang-up wakes the reader
  }
  chips_.erase(it);
}

void FakeGpioChips::holdLine(const std::string& chip, unsigned offset, std::string consumer) {
  std::lock_guard lock(mutex_);
  if (Line* line = find(chip, offset)) line->heldBy = std::move(consumer);
}

void FakeGpioChips::edge(const std::string& chip, unsigned offset, bool rising, Nanos timestamp) {
  std::lock_guard lock(mutex_);
  Line* line = find(chip, offset);
  if (line == nullptr || !line->state) return;
  std::lock_guard lineLock(line->state->mutex);
  line->state->level = rising;
  if (!line->state->requested || !wants(line->state->edges, rising)) return;
  line->state->waiting.push_back(GpioEdge{rising, timestamp});
  const std::uint64_t one = 1;
  (void)::write(line->state->eventFd.get(), &one, sizeof one);
}

void FakeGpioChips::setLevel(const std::string& chip, unsigned offset, bool level) {
  std::lock_guard lock(mutex_);
  Line* line = find(chip, offset);
  if (line == nullptr || !line->state) return;
  std::lock_guard lineLock(line->state->mutex);
  line->state->level = level;
}

GpioLineRequest FakeGpioChips::lastRequest(const std::string& chip, unsigned offset) const {
  std::lock_guard lock(mutex_);
  auto it = chips_.find(chip);
  if (it == chips_.end() || offset >= it->second.lines.size()) return {};
  return it->second.lines[offset].last;
}

int FakeGpioChips::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

Result<std::vector<GpioChipInfo>> FakeGpioChips::list() {
  std::lock_guard lock(mutex_);
  std::vector<GpioChipInfo> out;
  for (const auto& [name, chip] : chips_) {
    GpioChipInfo info{name, chip.label, {}};
    for (unsigned i = 0; i < chip.lines.size(); ++i) {
      const Line& line = chip.lines[i];
      const bool ours = line.state && line.state->requested;
      info.lines.push_back(GpioLineInfo{i, line.name, ours || !line.heldBy.empty(),
                                        ours ? line.last.consumer : line.heldBy, false});
    }
    out.push_back(std::move(info));
  }
  return out;
}

Result<std::unique_ptr<GpioLine>> FakeGpioChips::request(const GpioLineRequest& request) {
  std::lock_guard lock(mutex_);
  ++requests_;
  const std::string where = request.chip + " line " + std::to_string(request.offset);
  if (chips_.count(request.chip) == 0) {
    return makeError(ErrorCode::Absent,
                     "open /dev/" + request.chip + ": No such file or directory");
  }
  Line* line = find(request.chip, request.offset);
  if (line == nullptr) return makeError(ErrorCode::Invalid, where + ": Invalid argument");
  if (!line->heldBy.empty() || (line->state && line->state->requested)) {
    return makeError(ErrorCode::Busy, "request " + where + ": Device or resource busy");
  }
  auto state = std::make_shared<LineState>();
  state->requested = true;
  state->edges = request.edges;
  state->level = line->state ? line->state->level : false;
  state->eventFd = UniqueFd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  line->state = state;
  line->last = request;
  return std::unique_ptr<GpioLine>(std::make_unique<FakeGpioLine>(std::move(state)));
}

FakeGpioChips::Line* FakeGpioChips::find(const std::string& chip, unsigned offset) {
  auto it = chips_.find(chip);
  if (it == chips_.end() || offset >= it->second.lines.size()) return nullptr;
  return &it->second.lines[offset];
}

}  // namespace sckd::testing
