#include "drivers/gpio/level.h"

#include <deque>
#include <functional>
#include <memory>

#include "drivers/gpio/gpio_input.h"

namespace sckd {
namespace {

class LevelDriver final : public Driver {
 public:
  LevelDriver(const DriverContext& context, GpioInputSettings input)
      : input_(std::move(input), *context.gpio, context.fds,
               [this](const GpioEdge& edge) { changed(edge); }) {
    (void)input_.request();  // failing here is said, and retried, by the first reading
  }

  void setWakeUp(std::function<void()> wakeUp) override { wakeUp_ = std::move(wakeUp); }

  Result<Millis> start(const SampleContext&) override {
    if (Status requested = input_.request(); !requested.ok()) return requested.error();
    if (!changes_.empty()) {
      // A reading the change asked for: the level the edge went to, not the level now,
      // which a bouncing contact may not have settled on yet.
      level_ = changes_.front();
      changes_.pop_front();
      return Millis(0);
    }
    Result<bool> level = input_.level();
    if (!level.ok()) return level.error();
    level_ = *level;
    return Millis(0);
  }

  Result<Measurement> collect() override {
    Measurement m;
    m.samples.push_back(Sample{0, level_ ? 1.0 : 0.0});
    return m;
  }

 private:
  void changed(const GpioEdge& edge) {
    if (!wakeUp_) return;
    changes_.push_back(edge.rising);
    wakeUp_();
  }

  bool level_ = false;
  std::deque<bool> changes_;  // levels of changes not yet read, oldest first
  std::function<void()> wakeUp_;
  GpioInput input_;  // last: destroyed first, so no edge reaches a half-destroyed driver
};

Result<std::unique_ptr<Driver>> createLevel(const DriverContext& context) {
  if (context.gpio == nullptr) return makeError(ErrorCode::Internal, "no GPIO chips given");
  const GpioEdges edges =
      optionBool(context.sensor, "on_change") ? GpioEdges::Both : GpioEdges::None;
  return std::unique_ptr<Driver>(
      std::make_unique<LevelDriver>(context, gpioInputSettings(context.sensor, edges)));
}

}  // namespace

DriverInfo gpioLevelDriverInfo() {
  DriverInfo info;
  info.name = "gpio";
  info.summary =
      "GPIO level (door or float switch, PIR): 0 or 1 each interval, and at once "
      "on a change with on_change";
  info.onGpioLine = true;
  info.quantities = {Quantity{"state", "", 0, false, 0}};
  info.options = gpioInputOptions();
  info.options.push_back(OptionSpec{"on_change",
                                    OptionType::Boolean,
                                    false,
                                    0,
                                    -1,
                                    {},
                                    "false",
                                    "true: also a reading at once when the level changes "
                                    "(debounced)"});
  info.whyNoSamples = [](const DriverOptions& options) -> std::string {
    auto onChange = options.find("on_change");
    if (onChange == options.end() || !std::get<bool>(onChange->second)) return {};
    return "with on_change each change is stored at once, as the 0 or 1 it went to; a "
           "reduction of samples would blur that state, and the samples would take the changes "
           "meant for those readings (set on_change: false to sample the level)";
  };
  info.create = createLevel;
  return info;
}

}  // namespace sckd
