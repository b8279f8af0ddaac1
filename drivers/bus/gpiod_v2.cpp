// GpioChips on libgpiod 2.x (the v2 API of Debian 13 and Raspberry Pi OS trixie), using
// nothing newer than 2.1 (Debian 13 has 2.2). It behaves as drivers/bus/gpiod_v1.cpp does.
// A chip is opened for one listing or for one request: unlike in v1, a v2 line request
// holds a file of its own, so the chip is closed as soon as its line is requested.

#include <gpiod.h>

#include <cerrno>
#include <cstddef>
#include <memory>
#include <string>

#include "drivers/bus/gpio_devices.h"
#include "drivers/bus/linux_gpio.h"

namespace sckd {
namespace {

using gpio_detail::gpioError;

// Everything libgpiod 2 hands out is freed by a function of its own.
struct GpiodFree {
  void operator()(gpiod_chip* chip) const { gpiod_chip_close(chip); }
  void operator()(gpiod_chip_info* info) const { gpiod_chip_info_free(info); }
  void operator()(gpiod_line_info* info) const { gpiod_line_info_free(info); }
  void operator()(gpiod_line_settings* settings) const { gpiod_line_settings_free(settings); }
  void operator()(gpiod_line_config* config) const { gpiod_line_config_free(config); }
  void operator()(gpiod_request_config* config) const { gpiod_request_config_free(config); }
  void operator()(gpiod_line_request* request) const { gpiod_line_request_release(request); }
  void operator()(gpiod_edge_event_buffer* buffer) const { gpiod_edge_event_buffer_free(buffer); }
};
template <typename T>
using GpiodHandle = std::unique_ptr<T, GpiodFree>;

// Edges read from the kernel at a time, as in v1.
constexpr int kEdgeBatch = 16;

std::string text(const char* s) {
  return s == nullptr ? std::string() : std::string(s);
}

gpiod_line_edge edgeDetection(GpioEdges edges) {
  switch (edges) {
    case GpioEdges::None:
      return GPIOD_LINE_EDGE_NONE;
    case GpioEdges::Rising:
      return GPIOD_LINE_EDGE_RISING;
    case GpioEdges::Falling:
      return GPIOD_LINE_EDGE_FALLING;
    case GpioEdges::Both:
      return GPIOD_LINE_EDGE_BOTH;
  }
  return GPIOD_LINE_EDGE_NONE;
}

gpiod_line_bias lineBias(GpioBias bias) {
  switch (bias) {
    case GpioBias::AsIs:
      return GPIOD_LINE_BIAS_AS_IS;
    case GpioBias::PullUp:
      return GPIOD_LINE_BIAS_PULL_UP;
    case GpioBias::PullDown:
      return GPIOD_LINE_BIAS_PULL_DOWN;
    case GpioBias::Disabled:
      return GPIOD_LINE_BIAS_DISABLED;
  }
  return GPIOD_LINE_BIAS_AS_IS;
}

class GpiodV2Line final : public GpioLine {
 public:
  // `events` is null when the line was requested without edges.
  GpiodV2Line(GpiodHandle<gpiod_line_request> request, unsigned offset,
              GpiodHandle<gpiod_edge_event_buffer> events)
      : request_(std::move(request)), offset_(offset), events_(std::move(events)) {}

  int eventFd() const override { return events_ ? gpiod_line_request_get_fd(request_.get()) : -1; }

  Result<std::vector<GpioEdge>> readEdges() override {
    std::vector<GpioEdge> edges;
    if (!events_) return edges;
    for (;;) {
      Result<bool> waiting = gpio_detail::edgesWaiting(eventFd());
      if (!waiting.ok()) return waiting.error();
      if (!*waiting) return edges;
      const int n = gpiod_line_request_read_edge_events(request_.get(), events_.get(), kEdgeBatch);
      if (n < 0) return gpioError("read edges", errno);
      for (int i = 0; i < n; ++i) {
        // Owned by the buffer, valid until the next read into it.
        gpiod_edge_event* event = gpiod_edge_event_buffer_get_event(events_.get(), i);
        // The kernel swaps the edges of an active-low line, so rising is logical, as in v1;
        // the timestamp is CLOCK_MONOTONIC because request() asks for that clock.
        edges.push_back(
            GpioEdge{gpiod_edge_event_get_event_type(event) == GPIOD_EDGE_EVENT_RISING_EDGE,
                     Nanos(static_cast<Nanos::rep>(gpiod_edge_event_get_timestamp_ns(event)))});
      }
      if (n < kEdgeBatch) return edges;
    }
  }

  Result<bool> value() override {
    const gpiod_line_value v = gpiod_line_request_get_value(request_.get(), offset_);
    if (v == GPIOD_LINE_VALUE_ERROR) return gpioError("read the level", errno);
    return v == GPIOD_LINE_VALUE_ACTIVE;
  }

 private:
  GpiodHandle<gpiod_line_request> request_;
  unsigned offset_;  // v2 reads a level by offset, not through a line object
  GpiodHandle<gpiod_edge_event_buffer> events_;
};

class GpiodV2Chips final : public GpioChips {
 public:
  explicit GpiodV2Chips(std::string deviceDir) : deviceDir_(std::move(deviceDir)) {}

  Result<std::vector<GpioChipInfo>> list() override {
    std::vector<GpioChipInfo> chips;
    for (const std::string& name : gpio_detail::chipDeviceNames(deviceDir_)) {
      const std::string path = deviceDir_ + "/" + name;
      GpiodHandle<gpiod_chip> chip(gpiod_chip_open(path.c_str()));
      if (!chip) return gpioError("open " + path, errno);
      // v1 reads the chip's label and size as it opens the chip, v2 only when asked: a
      // failure here is one to open it in v1.
      GpiodHandle<gpiod_chip_info> chipInfo(gpiod_chip_get_info(chip.get()));
      if (!chipInfo) return gpioError("open " + path, errno);
      GpioChipInfo info;
      info.name = name;  // the device's, as in v1 (v2's chip info has the kernel's)
      info.label = text(gpiod_chip_info_get_label(chipInfo.get()));
      const std::size_t count = gpiod_chip_info_get_num_lines(chipInfo.get());
      for (unsigned offset = 0; offset < count; ++offset) {
        GpiodHandle<gpiod_line_info> line(gpiod_chip_get_line_info(chip.get(), offset));
        if (!line) return gpioError("read line " + std::to_string(offset) + " of " + name, errno);
        GpioLineInfo l;
        l.offset = offset;
        l.name = text(gpiod_line_info_get_name(line.get()));
        l.used = gpiod_line_info_is_used(line.get());
        l.consumer = text(gpiod_line_info_get_consumer(line.get()));
        l.output = gpiod_line_info_get_direction(line.get()) == GPIOD_LINE_DIRECTION_OUTPUT;
        info.lines.push_back(std::move(l));
      }
      chips.push_back(std::move(info));
    }
    return chips;
  }

  Result<std::unique_ptr<GpioLine>> request(const GpioLineRequest& request) override {
    const std::string where = request.chip + " line " + std::to_string(request.offset);
    const bool withEdges = request.edges != GpioEdges::None;
    // Allocations only: failing, they fail with ENOMEM.
    GpiodHandle<gpiod_line_settings> settings(gpiod_line_settings_new());
    GpiodHandle<gpiod_line_config> lineConfig(gpiod_line_config_new());
    GpiodHandle<gpiod_request_config> requestConfig(gpiod_request_config_new());
    GpiodHandle<gpiod_edge_event_buffer> events;
    if (withEdges) events.reset(gpiod_edge_event_buffer_new(kEdgeBatch));
    if (!settings || !lineConfig || !requestConfig || (withEdges && !events)) {
      return gpioError("request " + where, ENOMEM);
    }

    // No debounce period (gpiod_line_settings_set_debounce_period_us): the driver debounces
    // in software, so that this backend and v1 (whose API has no debouncing) behave alike.
    // CLOCK_MONOTONIC is the kernel's default event clock, but it is asked for by name: the
    // seam promises edges in MonoClock's time, and this makes it so whatever the default.
    if (gpiod_line_settings_set_direction(settings.get(), GPIOD_LINE_DIRECTION_INPUT) < 0 ||
        gpiod_line_settings_set_edge_detection(settings.get(), edgeDetection(request.edges)) < 0 ||
        gpiod_line_settings_set_bias(settings.get(), lineBias(request.bias)) < 0 ||
        gpiod_line_settings_set_event_clock(settings.get(), GPIOD_LINE_CLOCK_MONOTONIC) < 0) {
      return gpioError("request " + where, errno);
    }
    gpiod_line_settings_set_active_low(settings.get(), request.activeLow);
    const unsigned offset = request.offset;
    if (gpiod_line_config_add_line_settings(lineConfig.get(), &offset, 1, settings.get()) < 0) {
      return gpioError("request " + where, errno);
    }
    gpiod_request_config_set_consumer(requestConfig.get(), request.consumer.c_str());
    // The kernel keeps 16 edges per line by default and drops the rest while the loop is
    // busy (an SD card's slow fsync); it allows up to 1024, which at 100 Hz is 10 s.
    gpiod_request_config_set_event_buffer_size(requestConfig.get(), 1024);

    // The chip is needed only until the request is made: the request has a file of its own.
    GpiodHandle<gpiod_chip> chip(gpiod_chip_open((deviceDir_ + "/" + request.chip).c_str()));
    if (!chip) return gpioError("open " + deviceDir_ + "/" + request.chip, errno);
    // A line the chip does not have fails here with "<where>: Invalid argument", as v1's
    // gpiod_chip_get_line does, not later as a failed request.
    GpiodHandle<gpiod_line_info> lineInfo(gpiod_chip_get_line_info(chip.get(), offset));
    if (!lineInfo) return gpioError(where, errno);
    GpiodHandle<gpiod_line_request> line(
        gpiod_chip_request_lines(chip.get(), requestConfig.get(), lineConfig.get()));
    if (!line) return gpioError("request " + where, errno);
    return std::unique_ptr<GpioLine>(
        std::make_unique<GpiodV2Line>(std::move(line), offset, std::move(events)));
  }

 private:
  std::string deviceDir_;
};

}  // namespace

std::unique_ptr<GpioChips> makeLinuxGpioChips(std::string deviceDir) {
  return std::make_unique<GpiodV2Chips>(std::move(deviceDir));
}

}  // namespace sckd
