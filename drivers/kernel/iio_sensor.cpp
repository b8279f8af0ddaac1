#include "drivers/kernel/iio_sensor.h"

#include <memory>
#include <vector>

#include "drivers/kernel/iio.h"
#include "drivers/kernel/slow_read.h"

namespace sckd {
namespace {

// The kernel's slowest IIO drivers give up on a chip within about a second (the DHT11/22
// driver waits 1 s for its answer); past this, the read is stuck.
constexpr Millis kReadTimeout{5'000};

// One reading's values, per asked quantity: a value or why there is none.
using ChannelValues = std::vector<Result<double>>;

class IioSensor final : public Driver {
 public:
  IioSensor(const DriverContext& context, std::string device, std::vector<std::size_t> asked)
      : host_(context.host),
        device_(std::move(device)),
        asked_(std::move(asked)),
        read_(context.offload, context.clock, kReadTimeout) {}

  Result<Millis> start(const SampleContext&) override {
    // Looked up at each reading: device numbers can change when overlays load in another order.
    Result<IioDevice> device = findIioDevice(host_, device_);
    if (!device.ok()) return device.error();
    Status started = read_.start(
        [device = *device, asked = asked_] {
          ChannelValues values;
          for (std::size_t q : asked)
            values.push_back(readIioChannel(device, iioChannelKinds()[q]));
          return Result<ChannelValues>(std::move(values));
        },
        device->node + " (" + device->name + ")");
    if (!started.ok()) return started.error();
    return Millis(0);
  }

  Result<Measurement> collect() override {
    std::optional<Result<ChannelValues>> values = read_.poll();
    Measurement m;
    if (!values) {
      m.continueAfter = kSlowReadPoll;
      return m;
    }
    if (!values->ok()) return values->error();
    for (std::size_t i = 0; i < asked_.size(); ++i) {
      const Result<double>& value = (**values)[i];
      const std::string_view key = iioChannelKinds()[asked_[i]].key;
      if (value.ok()) {
        m.samples.push_back(Sample{asked_[i], *value});
      } else {
        m.failures.push_back(
            Error{value.error().code, std::string(key) + ": " + value.error().message});
      }
    }
    return m;
  }

 private:
  const HostPaths& host_;
  std::string device_;
  std::vector<std::size_t> asked_;  // the quantities (iioChannelKinds() indices) given an id
  SlowKernelRead<ChannelValues> read_;
};

Result<std::unique_ptr<Driver>> createIio(const DriverContext& context) {
  std::vector<std::size_t> asked;
  const std::vector<IioChannelKind>& kinds = iioChannelKinds();
  for (std::size_t q = 0; q < kinds.size(); ++q) {
    if (context.sensor.ids.count(kinds[q].key) != 0) asked.push_back(q);
  }
  return std::unique_ptr<Driver>(std::make_unique<IioSensor>(
      context, optionString(context.sensor, "device"), std::move(asked)));
}

}  // namespace

DriverInfo iioDriverInfo() {
  DriverInfo info;
  info.name = "iio";
  info.summary = "any sensor the kernel drives through IIO (DHT22, BME680, TSL2591, ...)";
  for (const IioChannelKind& kind : iioChannelKinds()) {
    info.quantities.push_back(
        Quantity{kind.key, kind.unit, 0, false, kind.decimals, /*optional=*/true});
  }
  info.options = {OptionSpec{"device",
                             OptionType::String,
                             true,
                             0,
                             -1,
                             {},
                             "",
                             "the IIO device: the chip's kernel name (its `name` file, e.g. "
                             "dht11, bmp280) or iio:deviceN; sckd scan lists them"}};
  info.create = createIio;
  return info;
}

}  // namespace sckd
