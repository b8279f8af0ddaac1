#include "drivers/kernel/ds18b20.h"

#include <cctype>
#include <filesystem>
#include <memory>
#include <system_error>

#include "drivers/kernel/slow_read.h"
#include "drivers/kernel/sysfs_text.h"
#include "drivers/kernel/w1.h"

namespace sckd {
namespace {

// A 12-bit conversion takes up to 750 ms (datasheet, tCONV); the kernel's read of the
// probe returns only after it.
constexpr Millis kConversion{750};
// The kernel serialises a bus's probes: with several, a read may wait for the others'
// conversions too. Past this, the bus is stuck.
constexpr Millis kReadTimeout{10'000};

class Ds18b20Driver final : public Driver {
 public:
  Ds18b20Driver(const DriverContext& context, std::string serial)
      : host_(context.host),
        serial_(std::move(serial)),
        read_(context.offload, context.clock, kReadTimeout) {}

  Result<Millis> start(const SampleContext&) override {
    Result<std::string> probe = findProbe();
    if (!probe.ok()) return probe.error();
    const std::string dir = w1DevicesDir(host_) + "/" + *probe;
    if (Status s = read_.start([dir] { return readW1Temperature(dir); }, "1-wire probe " + *probe);
        !s.ok())
      return s.error();
    return kConversion;
  }

  Result<Measurement> collect() override {
    std::optional<Result<double>> degrees = read_.poll();
    Measurement m;
    if (!degrees) {
      m.continueAfter = kSlowReadPoll;
      return m;
    }
    if (!degrees->ok()) return degrees->error();
    m.samples.push_back(Sample{0, **degrees});
    return m;
  }

 private:
  // The configured probe, or the only one present. Looked up at each reading, so a probe
  // plugged in later (the kernel finds it within a minute) is read without a restart.
  Result<std::string> findProbe() const {
    const std::vector<std::string> present = w1Devices(host_, kDs18b20Family);
    if (!serial_.empty()) {
      std::error_code ec;
      if (std::filesystem::exists(w1DevicesDir(host_) + "/" + serial_, ec)) return serial_;
      return makeError(ErrorCode::Absent,
                       "no 1-wire probe " + serial_ + " on the bus; present: " +
                           (present.empty() ? "none" : commaList(present)) +
                           " (a loose wire? the kernel drops a probe it cannot reach)");
    }
    if (present.empty()) {
      return makeError(ErrorCode::Absent,
                       "no DS18B20 on the 1-wire bus (no 28-* in " + w1DevicesDir(host_) +
                           "): enable the bus with dtoverlay=w1-gpio in "
                           "/boot/firmware/config.txt and check the wiring (data on GPIO4 "
                           "with a 4.7 kOhm pull-up to 3.3 V)");
    }
    if (present.size() > 1) {
      return makeError(ErrorCode::Config,
                       std::to_string(present.size()) + " DS18B20 probes on the 1-wire bus (" +
                           commaList(present) +
                           "): say which this sensor reads with a line \"serial: " +
                           present.front() + "\" under it, and add one sensor entry per probe");
    }
    return present.front();
  }

  const HostPaths& host_;
  std::string serial_;
  SlowKernelRead<double> read_;
};

Result<std::unique_ptr<Driver>> createDs18b20(const DriverContext& context) {
  // The kernel names probes in lower case; a serial copied from a label may not be.
  std::string serial = optionString(context.sensor, "serial");
  for (char& c : serial) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!serial.empty() && !isW1DeviceName(serial)) {
    return makeError(ErrorCode::Config,
                     "serial '" + serial +
                         "' is not a 1-wire device name like 28-0316a2794cff (sckd scan "
                         "lists the probes present)");
  }
  return std::unique_ptr<Driver>(std::make_unique<Ds18b20Driver>(context, serial));
}

}  // namespace

DriverInfo ds18b20DriverInfo() {
  DriverInfo info;
  info.name = "ds18b20";
  info.summary = "DS18B20 1-wire temperature probe, through the kernel's w1 driver";
  info.quantities = {Quantity{"temperature", "degC", 42, false, 2}};
  info.options = {OptionSpec{"serial",
                             OptionType::String,
                             false,
                             0,
                             -1,
                             {},
                             "",
                             "the probe's 1-wire name, e.g. 28-0316a2794cff (sckd scan lists "
                             "them); needed only with two or more probes"}};
  info.create = createDs18b20;
  return info;
}

}  // namespace sckd
