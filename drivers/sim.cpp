#include "drivers/sim.h"

#include <cmath>
#include <numbers>
#include <string>

namespace sckd {

namespace {

enum class Waveform { Counter, Sine, Constant };

struct SimSettings {
  Waveform waveform = Waveform::Counter;
  std::int64_t failEvery = 0;
  double min = 0;
  double max = 100;
  std::int64_t periodSeconds = 60;
  double value = 0;
};

class SimDriver final : public Driver {
 public:
  explicit SimDriver(SimSettings settings) : settings_(settings) {}

  Result<Millis> start(const SampleContext& context) override {
    ++measurements_;
    recordedAt_ = context.recordedAt;
    started_ = true;
    failing_ = settings_.failEvery > 0 && measurements_ % settings_.failEvery == 0;
    return Millis(0);
  }

  Result<Measurement> collect() override {
    if (!started_) return makeError(ErrorCode::Internal, "collect() without start()");
    started_ = false;
    if (failing_) {
      return makeError(ErrorCode::Io, "simulated failure (fail_every: " +
                                          std::to_string(settings_.failEvery) + ")");
    }
    Measurement m;
    m.samples.push_back(Sample{0, signal(), settings_.waveform == Waveform::Counter});
    return m;
  }

 private:
  double signal() const {
    switch (settings_.waveform) {
      case Waveform::Counter:
        // Whole seconds of recorded_at: a receiver can check each value against its stamp.
        return static_cast<double>(toUnixSeconds(recordedAt_));
      case Waveform::Sine: {
        const double period = static_cast<double>(settings_.periodSeconds);
        const double t = std::chrono::duration<double>(recordedAt_.time_since_epoch()).count();
        // fmod first: sin() of ~1.8e9 rad would lose the phase's precision.
        const double phase = std::fmod(t, period) / period;
        return settings_.min + (settings_.max - settings_.min) *
                                   (0.5 + 0.5 * std::sin(2 * std::numbers::pi * phase));
      }
      case Waveform::Constant:
        return settings_.value;
    }
    return 0;
  }

  SimSettings settings_;
  std::int64_t measurements_ = 0;
  WallTime recordedAt_{};
  bool started_ = false;
  bool failing_ = false;
};

Result<std::unique_ptr<Driver>> createSim(const DriverContext& context) {
  const SensorConfig& sensor = context.sensor;
  SimSettings s;
  const std::string& waveform = optionString(sensor, "waveform");
  if (waveform == "counter") {
    s.waveform = Waveform::Counter;
  } else if (waveform == "sine") {
    s.waveform = Waveform::Sine;
  } else if (waveform == "constant") {
    s.waveform = Waveform::Constant;
  } else {
    return makeError(ErrorCode::Config, "unknown waveform \"" + waveform + "\"");
  }
  s.failEvery = optionInt(sensor, "fail_every");
  s.min = optionDouble(sensor, "min");
  s.max = optionDouble(sensor, "max");
  s.periodSeconds = optionInt(sensor, "period");
  if (s.periodSeconds < 1) return makeError(ErrorCode::Config, "period must be at least 1s");
  s.value = optionDouble(sensor, "value");
  return std::unique_ptr<Driver>(std::make_unique<SimDriver>(s));
}

}  // namespace

DriverInfo simDriverInfo() {
  DriverInfo info;
  info.name = "sim";
  info.summary = "simulated sensor (counter, sine or constant signal) for demos and tests";
  info.onI2cBus = false;
  info.addresses = {};
  info.quantities = {Quantity{"value", "", 0, false, 2}};
  info.options = {
      OptionSpec{"waveform",
                 OptionType::String,
                 false,
                 0,
                 -1,
                 {"counter", "sine", "constant"},
                 "counter",
                 "counter: the Unix seconds of recorded_at; sine; constant"},
      OptionSpec{"fail_every",
                 OptionType::Integer,
                 false,
                 0,
                 1'000'000'000,
                 {},
                 "0",
                 "n > 0: every n-th measurement fails (fault injection)"},
      OptionSpec{"min", OptionType::Number, false, 0, -1, {}, "0", "lowest value of the sine"},
      OptionSpec{"max", OptionType::Number, false, 0, -1, {}, "100", "highest value of the sine"},
      OptionSpec{"period", OptionType::Duration, false, 1, 86400, {}, "60s", "period of the sine"},
      OptionSpec{
          "value", OptionType::Number, false, 0, -1, {}, "0", "the value of the constant waveform"},
  };
  info.whyNoCalibration = [](const DriverOptions& options) -> std::string {
    auto waveform = options.find("waveform");
    if (waveform == options.end() || std::get<std::string>(waveform->second) != "counter") {
      return {};
    }
    return "the counter's value is its own recorded_at, so that whoever receives it can check "
           "it; calibrated it would no longer be (calibrate a sine or a constant instead)";
  };
  info.create = createSim;
  return info;
}

}  // namespace sckd
