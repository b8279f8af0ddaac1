#include "drivers/gpio/pulse.h"

#include <cstdint>
#include <memory>
#include <optional>

#include "drivers/gpio/gpio_input.h"

namespace sckd {
namespace {

constexpr std::size_t kRate = 0;
constexpr std::size_t kAmount = 1;

struct PulseSettings {
  double scale = 1;
  double perSeconds = 1;  // the rate's time unit: 1, 60 or 3600 s
};

// The count is kept per interval by the kernel's edge timestamps, not by when the loop gets
// to read them: an edge before the tick's instant belongs to the interval that instant
// ends, even when it is read after it, so a busy loop cannot move pulses between intervals
// or change a rate.
class PulseDriver final : public Driver {
 public:
  PulseDriver(const DriverContext& context, GpioInputSettings input, PulseSettings settings)
      : clock_(context.clock),
        settings_(settings),
        input_(std::move(input), *context.gpio, context.fds,
               [this](const GpioEdge& edge) { count(edge); }) {
    // Counting starts now, so the first reading already covers an interval; a line that
    // cannot be had yet is asked for again by each reading, which fails saying why.
    if (input_.request().ok()) windowStart_ = clock_.monotonic().time_since_epoch();
  }

  Result<Millis> start(const SampleContext&) override {
    const bool wasHeld = input_.held();
    if (Status requested = input_.request(); !requested.ok()) return requested.error();
    if (!input_.edgesWatched()) {
      return makeError(ErrorCode::Unsupported,
                       input_.where() +
                           " can be requested; its pulses are counted only by "
                           "`sckd run`, whose loop watches the line's edges");
    }
    const Nanos now = clock_.monotonic().time_since_epoch();
    if (!wasHeld && !windowStart_) {
      // Held for the first time: counting starts now, and this reading has no interval.
      windowStart_ = now;
      result_ = Measurement{};
      return Millis(0);
    }
    tickAt_ = now;
    Status drained = input_.drain();
    tickAt_.reset();
    if (!drained.ok()) return drained.error();  // counts are kept for the next reading

    const double seconds = std::chrono::duration<double>(now - *windowStart_).count();
    Measurement m;
    m.samples.push_back(Sample{kAmount, static_cast<double>(counted_) * settings_.scale});
    if (seconds > 0) {
      m.samples.push_back(Sample{
          kRate, static_cast<double>(counted_) / seconds * settings_.perSeconds * settings_.scale});
    }
    result_ = std::move(m);
    windowStart_ = now;
    counted_ = afterTick_;
    afterTick_ = 0;
    return Millis(0);
  }

  Result<Measurement> collect() override { return std::move(result_); }

 private:
  void count(const GpioEdge& edge) {
    if (tickAt_ && edge.timestamp >= *tickAt_) {
      ++afterTick_;  // read while draining for a tick, but it came after the tick's instant
    } else {
      ++counted_;
    }
  }

  const Clock& clock_;
  PulseSettings settings_;
  std::optional<Nanos> windowStart_;  // where the interval being counted began
  std::optional<Nanos> tickAt_;       // set while draining for a tick
  std::uint64_t counted_ = 0;
  std::uint64_t afterTick_ = 0;
  Measurement result_;
  GpioInput input_;  // last: destroyed first, so no edge reaches a half-destroyed driver
};

Result<std::unique_ptr<Driver>> createPulse(const DriverContext& context) {
  if (context.gpio == nullptr) return makeError(ErrorCode::Internal, "no GPIO chips given");
  const SensorConfig& sensor = context.sensor;
  const std::string& edge = optionString(sensor, "edge");
  const GpioEdges edges = edge == "rising"    ? GpioEdges::Rising
                          : edge == "falling" ? GpioEdges::Falling
                                              : GpioEdges::Both;
  PulseSettings s;
  s.scale = optionDouble(sensor, "scale");
  const std::string& per = optionString(sensor, "per");
  s.perSeconds = per == "hour" ? 3600 : per == "minute" ? 60 : 1;
  return std::unique_ptr<Driver>(
      std::make_unique<PulseDriver>(context, gpioInputSettings(sensor, edges), s));
}

}  // namespace

DriverInfo pulseDriverInfo() {
  DriverInfo info;
  info.name = "pulse";
  info.summary =
      "GPIO pulse counter (rain gauge, anemometer, water or gas meter): rate and/or "
      "amount per interval";
  info.onGpioLine = true;
  // No platform ids of their own: what a pulse means depends on what is wired.
  info.quantities = {Quantity{"rate", "", 0, false, 4, /*optional=*/true},
                     Quantity{"amount", "", 0, false, 4, /*optional=*/true}};
  info.options = gpioInputOptions();
  info.options.push_back(OptionSpec{"edge",
                                    OptionType::String,
                                    false,
                                    0,
                                    -1,
                                    {"rising", "falling", "both"},
                                    "falling",
                                    "which edges count: falling for a switch to ground "
                                    "with a pull-up"});
  info.options.push_back(OptionSpec{"scale",
                                    OptionType::Number,
                                    false,
                                    1e-9,
                                    1e9,
                                    {},
                                    "1",
                                    "what one pulse is worth: mm per tip, litres per pulse; "
                                    "for a rate, its unit per pulse per `per`"});
  info.options.push_back(OptionSpec{"per",
                                    OptionType::String,
                                    false,
                                    0,
                                    -1,
                                    {"second", "minute", "hour"},
                                    "second",
                                    "the rate's time unit: pulses (times scale) per second, "
                                    "minute or hour"});
  info.whyNoSamples = [](const DriverOptions&) -> std::string {
    return "each reading is the pulses counted since the one before, so the samples would "
           "split the interval's pulses between them and the reading would keep a share of "
           "them; the count already covers the whole interval";
  };
  info.create = createPulse;
  return info;
}

}  // namespace sckd
