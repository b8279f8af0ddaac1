// GpioChips on libgpiod 1.6 (the v1 API of Debian 12 and Raspberry Pi OS bookworm). A chip
// is opened for one listing or for as long as one of its lines is requested.

#include <gpiod.h>

#include <cerrno>
#include <memory>

#include "drivers/bus/gpio_devices.h"
#include "drivers/bus/linux_gpio.h"

namespace sckd {
namespace {

using gpio_detail::gpioError;

struct ChipCloser {
  void operator()(gpiod_chip* chip) const { gpiod_chip_close(chip); }
};
using ChipHandle = std::unique_ptr<gpiod_chip, ChipCloser>;

std::string text(const char* s) {
  return s == nullptr ? std::string() : std::string(s);
}

int requestType(GpioEdges edges) {
  switch (edges) {
    case GpioEdges::None:
      return GPIOD_LINE_REQUEST_DIRECTION_INPUT;
    case GpioEdges::Rising:
      return GPIOD_LINE_REQUEST_EVENT_RISING_EDGE;
    case GpioEdges::Falling:
      return GPIOD_LINE_REQUEST_EVENT_FALLING_EDGE;
    case GpioEdges::Both:
      return GPIOD_LINE_REQUEST_EVENT_BOTH_EDGES;
  }
  return GPIOD_LINE_REQUEST_DIRECTION_INPUT;
}

int requestFlags(const GpioLineRequest& request) {
  int flags = request.activeLow ? GPIOD_LINE_REQUEST_FLAG_ACTIVE_LOW : 0;
  switch (request.bias) {
    case GpioBias::AsIs:
      break;
    case GpioBias::PullUp:
      flags |= GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_UP;
      break;
    case GpioBias::PullDown:
      flags |= GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_DOWN;
      break;
    case GpioBias::Disabled:
      flags |= GPIOD_LINE_REQUEST_FLAG_BIAS_DISABLE;
      break;
  }
  return flags;
}

class GpiodV1Line final : public GpioLine {
 public:
  GpiodV1Line(ChipHandle chip, gpiod_line* line, bool edges)
      : chip_(std::move(chip)), line_(line), edges_(edges) {}
  ~GpiodV1Line() override { gpiod_line_release(line_); }  // the chip closes after it
  GpiodV1Line(const GpiodV1Line&) = delete;
  GpiodV1Line& operator=(const GpiodV1Line&) = delete;

  int eventFd() const override { return edges_ ? gpiod_line_event_get_fd(line_) : -1; }

  Result<std::vector<GpioEdge>> readEdges() override {
    std::vector<GpioEdge> edges;
    if (!edges_) return edges;
    for (;;) {
      Result<bool> waiting = gpio_detail::edgesWaiting(eventFd());
      if (!waiting.ok()) return waiting.error();
      if (!*waiting) return edges;
      gpiod_line_event events[16];
      const int n = gpiod_line_event_read_multiple(line_, events, 16);
      if (n < 0) return gpioError("read edges", errno);
      for (int i = 0; i < n; ++i) {
        const timespec& ts = events[i].ts;
        edges.push_back(GpioEdge{events[i].event_type == GPIOD_LINE_EVENT_RISING_EDGE,
                                 std::chrono::seconds(ts.tv_sec) + Nanos(ts.tv_nsec)});
      }
      if (n < 16) return edges;
    }
  }

  Result<bool> value() override {
    const int v = gpiod_line_get_value(line_);
    if (v < 0) return gpioError("read the level", errno);
    return v != 0;
  }

 private:
  ChipHandle chip_;
  gpiod_line* line_;  // owned by chip_
  bool edges_;
};

class GpiodV1Chips final : public GpioChips {
 public:
  explicit GpiodV1Chips(std::string deviceDir) : deviceDir_(std::move(deviceDir)) {}

  Result<std::vector<GpioChipInfo>> list() override {
    std::vector<GpioChipInfo> chips;
    for (const std::string& name : gpio_detail::chipDeviceNames(deviceDir_)) {
      ChipHandle chip(gpiod_chip_open((deviceDir_ + "/" + name).c_str()));
      if (!chip) return gpioError("open " + deviceDir_ + "/" + name, errno);
      GpioChipInfo info;
      info.name = name;
      info.label = text(gpiod_chip_label(chip.get()));
      const unsigned count = gpiod_chip_num_lines(chip.get());
      for (unsigned offset = 0; offset < count; ++offset) {
        gpiod_line* line = gpiod_chip_get_line(chip.get(), offset);
        if (line == nullptr)
          return gpioError("read line " + std::to_string(offset) + " of " + name, errno);
        GpioLineInfo l;
        l.offset = offset;
        l.name = text(gpiod_line_name(line));
        l.used = gpiod_line_is_used(line);
        l.consumer = text(gpiod_line_consumer(line));
        l.output = gpiod_line_direction(line) == GPIOD_LINE_DIRECTION_OUTPUT;
        info.lines.push_back(std::move(l));
      }
      chips.push_back(std::move(info));
    }
    return chips;
  }

  Result<std::unique_ptr<GpioLine>> request(const GpioLineRequest& request) override {
    const std::string where = request.chip + " line " + std::to_string(request.offset);
    ChipHandle chip(gpiod_chip_open((deviceDir_ + "/" + request.chip).c_str()));
    if (!chip) return gpioError("open " + deviceDir_ + "/" + request.chip, errno);
    gpiod_line* line = gpiod_chip_get_line(chip.get(), request.offset);
    if (line == nullptr) return gpioError(where, errno);
    gpiod_line_request_config config{request.consumer.c_str(), requestType(request.edges),
                                     requestFlags(request)};
    if (gpiod_line_request(line, &config, 0) != 0) return gpioError("request " + where, errno);
    return std::unique_ptr<GpioLine>(
        std::make_unique<GpiodV1Line>(std::move(chip), line, request.edges != GpioEdges::None));
  }

 private:
  std::string deviceDir_;
};

}  // namespace

std::unique_ptr<GpioChips> makeLinuxGpioChips(std::string deviceDir) {
  return std::make_unique<GpiodV1Chips>(std::move(deviceDir));
}

}  // namespace sckd
