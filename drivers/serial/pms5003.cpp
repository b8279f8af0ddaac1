#include "drivers/serial/pms5003.h"

#include <string>
#include <vector>

#include "drivers/serial/pms_frame.h"
#include "drivers/serial/serial_pm_driver.h"

namespace sckd {
namespace {

// Quantity names, in the frame's order (data 4-6, then data 7-12), and platform ids: the
// platform's PMS5003 sensors (docs/protocol.md). The PMS7003 measures the same and has no
// ids of its own: it borrows the PMS5003's, marked generic so `sckd check` says so.
constexpr const char* kNames[kPmsQuantities] = {"pm1", "pm2_5", "pm10", "pn0_3", "pn0_5",
                                                "pn1", "pn2_5", "pn5",  "pn10"};
constexpr int kIds[kPmsQuantities] = {89, 87, 88, 165, 166, 167, 168, 169, 170};

class PmsProtocol final : public SerialPmProtocol {
 public:
  explicit PmsProtocol(std::string_view model) : model_(model) {}

  std::string_view model() const override { return model_; }
  std::vector<std::uint8_t> passiveMode() const override { return bytes(kPmsChangeMode, 0); }
  std::vector<std::uint8_t> wake() const override { return bytes(kPmsSleepSet, 1); }
  std::vector<std::uint8_t> sleep() const override { return bytes(kPmsSleepSet, 0); }
  std::vector<std::uint8_t> readRequest() const override { return bytes(kPmsReadPassive, 0); }
  void clear() override { reader_ = PmsFrameReader{}; }
  std::size_t badChecksums() const override { return reader_.badChecksums(); }

  std::optional<Measurement> feed(std::span<const std::uint8_t> input) override {
    reader_.feed(input);
    while (std::optional<PmsFrame> frame = reader_.next()) {
      // Anything but a data frame (a command's answer) is skipped.
      std::optional<PmsData> data = decodePmsData(*frame);
      if (!data) continue;
      Measurement m;
      for (std::size_t i = 0; i < 3; ++i) m.samples.push_back({i, double(data->pmAtmospheric[i])});
      for (std::size_t i = 0; i < 6; ++i) m.samples.push_back({3 + i, double(data->counts[i])});
      return m;
    }
    return std::nullopt;
  }

 private:
  static std::vector<std::uint8_t> bytes(std::uint8_t command, std::uint16_t data) {
    const auto c = pmsCommand(command, data);
    return {c.begin(), c.end()};
  }

  std::string_view model_;
  PmsFrameReader reader_;
};

DriverInfo pmsDriverInfo(std::string_view name, std::string_view model, bool borrowedIds) {
  DriverInfo info;
  info.name = name;
  info.summary = model == "PMS5003"
                     ? "Plantower PMS5003 particulate matter on a UART (ug/m3, #/0.1L)"
                     : "Plantower PMS7003 particulate matter on a UART (ug/m3, #/0.1L)";
  for (std::size_t i = 0; i < kPmsQuantities; ++i) {
    // The sensor reports whole ug/m3 and whole particles.
    info.quantities.push_back(
        Quantity{kNames[i], i < 3 ? "ug/m3" : "#/0.1L", kIds[i], borrowedIds, 0});
  }
  info.options = serialPmOptions("/dev/serial0");
  info.create = [model](const DriverContext& context) -> Result<std::unique_ptr<Driver>> {
    return makeSerialPmDriver(std::make_unique<PmsProtocol>(model),
                              serialPmSettings(context.sensor), context.clock);
  };
  return info;
}

}  // namespace

DriverInfo pms5003DriverInfo() {
  return pmsDriverInfo("pms5003", "PMS5003", false);
}

DriverInfo pms7003DriverInfo() {
  return pmsDriverInfo("pms7003", "PMS7003", true);
}

}  // namespace sckd
