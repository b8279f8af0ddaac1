#include "drivers/gpio/gpio_input.h"

#include <utility>

namespace sckd {

std::vector<OptionSpec> gpioInputOptions() {
  return {
      OptionSpec{"chip",
                 OptionType::String,
                 false,
                 0,
                 -1,
                 {},
                 "gpiochip0",
                 "the GPIO chip: its name (gpiochip0) or label (pinctrl-bcm2711; pinctrl-rp1 "
                 "on a Pi 5)"},
      OptionSpec{"line",
                 OptionType::String,
                 true,
                 0,
                 -1,
                 {},
                 "",
                 "the line: its number on the chip (17) or its name (GPIO17)"},
      OptionSpec{"bias",
                 OptionType::String,
                 false,
                 0,
                 -1,
                 {"as-is", "pull-up", "pull-down", "disabled"},
                 "as-is",
                 "the pin's internal pull resistor: pull-up for a switch to ground"},
      OptionSpec{"active_low",
                 OptionType::Boolean,
                 false,
                 0,
                 -1,
                 {},
                 "false",
                 "true: low is active (1), as for a switch to ground with a pull-up"},
      OptionSpec{"debounce",
                 OptionType::Milliseconds,
                 false,
                 0,
                 10'000,
                 {},
                 "0ms",
                 "an edge sooner than this after the one before is contact bounce"},
  };
}

GpioInputSettings gpioInputSettings(const SensorConfig& sensor, GpioEdges edges) {
  GpioInputSettings s;
  s.chip = optionString(sensor, "chip");
  s.line = optionString(sensor, "line");
  const std::string& bias = optionString(sensor, "bias");
  s.bias = bias == "pull-up"     ? GpioBias::PullUp
           : bias == "pull-down" ? GpioBias::PullDown
           : bias == "disabled"  ? GpioBias::Disabled
                                 : GpioBias::AsIs;
  s.activeLow = optionBool(sensor, "active_low");
  s.edges = edges;
  s.debounce = std::chrono::milliseconds(optionInt(sensor, "debounce"));
  s.consumer = "sckd:" + sensor.name;
  return s;
}

GpioInput::GpioInput(GpioInputSettings settings, GpioChips& chips, FdWatcher& fds, OnEdge onEdge)
    : settings_(std::move(settings)),
      chips_(chips),
      fds_(fds),
      onEdge_(std::move(onEdge)),
      where_("line " + settings_.line + " of " + settings_.chip) {}

GpioInput::~GpioInput() {
  if (watchedFd_ >= 0) fds_.unwatch(watchedFd_);
}

Status GpioInput::request() {
  if (line_) return {};
  Result<GpioLineAddress> address = findGpioLine(chips_, settings_.chip, settings_.line);
  if (!address.ok()) return address.error();
  const std::string onChip = address->chip + " line " + std::to_string(address->offset);
  where_ = settings_.line == std::to_string(address->offset) ? onChip
                                                             : settings_.line + " (" + onChip + ")";
  GpioLineRequest request;
  request.chip = address->chip;
  request.offset = address->offset;
  request.consumer = settings_.consumer;
  request.bias = settings_.bias;
  request.activeLow = settings_.activeLow;
  request.edges = settings_.edges;
  Result<std::unique_ptr<GpioLine>> line = chips_.request(request);
  if (!line.ok()) return withContext(where_, line.error());
  const int fd = (*line)->eventFd();
  edgesWatched_ = false;
  if (settings_.edges != GpioEdges::None) {
    Status watched = fds_.watchReadable(fd, [this] { onReadable(); });
    if (watched.ok()) {
      watchedFd_ = fd;
      edgesWatched_ = true;
    } else if (watched.error().code != ErrorCode::Unsupported) {
      return withContext("watch " + where_ + " for edges", watched.error());
    }
    // Unsupported: no loop to watch it (`sckd check`); the line is held all the same, which
    // proves it can be, and edgesWatched() says no edge will be seen.
  }
  line_ = std::move(*line);
  lost_.reset();
  return {};
}

Status GpioInput::drain() {
  if (!line_) {
    return lost_ ? *lost_ : makeError(ErrorCode::Absent, where_ + " is not requested");
  }
  Result<std::vector<GpioEdge>> edges = line_->readEdges();
  if (!edges.ok()) {
    lose(edges.error());
    return *lost_;
  }
  accept(*edges);
  return {};
}

Result<bool> GpioInput::level() {
  if (!line_) {
    return lost_ ? *lost_ : makeError(ErrorCode::Absent, where_ + " is not requested");
  }
  Result<bool> value = line_->value();
  if (!value.ok()) {
    lose(value.error());
    return *lost_;
  }
  return value;
}

void GpioInput::onReadable() {
  if (!line_) return;
  Result<std::vector<GpioEdge>> edges = line_->readEdges();
  if (!edges.ok()) {
    lose(edges.error());  // said by the next reading, which fails and requests it again
    return;
  }
  accept(*edges);
}

void GpioInput::accept(const std::vector<GpioEdge>& edges) {
  for (const GpioEdge& edge : edges) {
    // Bounce: a contact chatters for a few ms after it closes. An edge counts only after a
    // quiet `debounce`, so a burst of any length counts once.
    const bool bounce = lastEdge_ && edge.timestamp - *lastEdge_ < settings_.debounce;
    lastEdge_ = edge.timestamp;
    if (!bounce) onEdge_(edge);
  }
}

void GpioInput::lose(const Error& why) {
  lost_ = withContext(where_ + " was lost", why);
  if (watchedFd_ >= 0) fds_.unwatch(watchedFd_);
  watchedFd_ = -1;
  line_.reset();
}

}  // namespace sckd
