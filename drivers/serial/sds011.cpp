#include "drivers/serial/sds011.h"

#include <string>
#include <vector>

#include "drivers/serial/sds_frame.h"
#include "drivers/serial/serial_pm_driver.h"

namespace sckd {
namespace {

// The measuring range (SDS011 datasheet V1.3, "Technical parameters"): a value beyond it
// is not a measurement.
constexpr double kMaxUgM3 = 999.9;

class SdsProtocol final : public SerialPmProtocol {
 public:
  std::string_view model() const override { return "SDS011"; }
  std::vector<std::uint8_t> passiveMode() const override {
    return command(kSdsReportingMode, {1, 1});  // set, query mode
  }
  std::vector<std::uint8_t> wake() const override {
    return command(kSdsSleepWork, {1, 1});  // set, work
  }
  std::vector<std::uint8_t> sleep() const override {
    return command(kSdsSleepWork, {1, 0});  // set, sleep
  }
  std::vector<std::uint8_t> readRequest() const override { return command(kSdsQueryData, {}); }
  void clear() override { reader_ = SdsFrameReader{}; }
  std::size_t badChecksums() const override { return reader_.badChecksums(); }

  std::optional<Measurement> feed(std::span<const std::uint8_t> input) override {
    reader_.feed(input);
    while (std::optional<SdsFrame> frame = reader_.next()) {
      // Command answers (0xC5) are skipped.
      std::optional<SdsData> data = decodeSdsData(*frame);
      if (!data) continue;
      Measurement m;
      add(m, 0, "pm2_5", data->pm25);
      add(m, 1, "pm10", data->pm10);
      return m;
    }
    return std::nullopt;
  }

 private:
  static std::vector<std::uint8_t> command(std::uint8_t code,
                                           std::initializer_list<std::uint8_t> data) {
    const auto c = sdsCommand(code, std::span(data.begin(), data.size()));
    return {c.begin(), c.end()};
  }

  static void add(Measurement& m, std::size_t q, const char* name, double value) {
    if (value > kMaxUgM3) {
      m.failures.push_back(
          makeError(ErrorCode::Invalid, std::string(name) + ": " + std::to_string(value) +
                                            " ug/m3 is beyond the measuring range 0..999.9"));
    } else {
      m.samples.push_back({q, value});
    }
  }

  SdsFrameReader reader_;
};

}  // namespace

DriverInfo sds011DriverInfo() {
  DriverInfo info;
  info.name = "sds011";
  info.summary = "Nova Fitness SDS011 particulate matter on a UART (PM2.5, PM10 in ug/m3)";
  // The platform has no SDS011 ids: these are the PMS5003's PM2.5 and PM10, the closest.
  info.quantities = {
      Quantity{"pm2_5", "ug/m3", 87, true, 1},
      Quantity{"pm10", "ug/m3", 88, true, 1},
  };
  // Its usual form is the sensor on its USB adapter.
  info.options = serialPmOptions("/dev/ttyUSB0");
  info.create = [](const DriverContext& context) -> Result<std::unique_ptr<Driver>> {
    return makeSerialPmDriver(std::make_unique<SdsProtocol>(), serialPmSettings(context.sensor),
                              context.clock);
  };
  return info;
}

}  // namespace sckd
