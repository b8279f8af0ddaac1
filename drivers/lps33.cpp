#include "drivers/lps33.h"

#include <cstdio>
#include <string>

namespace sckd {
namespace {

constexpr std::uint8_t kRegWhoAmI = 0x0F;
constexpr std::uint8_t kWhoAmI = 0xB1;
constexpr std::uint8_t kRegCtrl1 = 0x10;
constexpr std::uint8_t kRegCtrl2 = 0x11;
constexpr std::uint8_t kRegStatus = 0x27;
constexpr std::uint8_t kIfAddInc = 0x10;
constexpr std::uint8_t kSwReset = 0x04;
constexpr std::uint8_t kOneShot = 0x01;
constexpr std::uint8_t kBdu = 0x02;
constexpr std::uint8_t kPda = 0x01;
constexpr std::uint8_t kTda = 0x02;
// The datasheet gives no one-shot maximum; a conversion at the fastest rate (75 Hz) takes
// 13.3 ms. 20 ms leaves margin, and STATUS P_DA/T_DA still guard against an early read.
constexpr Millis kConversionTime{20};
// SWRESET clears itself within a few microseconds: a handful of reads bound the wait.
constexpr int kResetPolls = 10;

std::string hex(unsigned v) {
  char b[8];
  std::snprintf(b, sizeof b, "0x%02X", v);
  return b;
}

class Lps33Driver final : public Driver {
 public:
  Lps33Driver(I2cBus& bus, std::uint8_t address, bool temperature)
      : bus_(bus), address_(address), temperature_(temperature) {}

  Result<Millis> start(const SampleContext&) override {
    measuring_ = false;
    if (!ready_) {
      if (Status s = init(); !s.ok()) return s.error();
      ready_ = true;
    }
    Status s = bus_.writeByteData(address_, kRegCtrl2, kIfAddInc | kOneShot);
    if (!s.ok()) return fail(withContext("start one-shot", s.error()));
    measuring_ = true;
    return kConversionTime;
  }

  Result<Measurement> collect() override {
    if (!measuring_)
      return makeError(ErrorCode::Internal, "collect() without a started measurement");
    measuring_ = false;
    std::uint8_t frame[6] = {};
    // STATUS and all five output registers in one burst (IF_ADD_INC).
    if (Status s = bus_.readBlockData(address_, kRegStatus, frame); !s.ok()) {
      return fail(withContext("read data", s.error()));
    }
    Lps33Values v = decodeLps33(std::span<const std::uint8_t, 6>(frame));
    Measurement m;
    if (v.pressure.ok())
      m.samples.push_back(Sample{0, *v.pressure});
    else
      m.failures.push_back(v.pressure.error());
    if (temperature_) {
      if (v.temperature.ok())
        m.samples.push_back(Sample{1, *v.temperature});
      else
        m.failures.push_back(v.temperature.error());
    }
    return m;
  }

 private:
  Error fail(Error e) {
    ready_ = false;  // re-run WHO_AM_I, reset and configuration at the next start()
    return e;
  }

  Status init() {
    Result<std::uint8_t> id = bus_.readByteData(address_, kRegWhoAmI);
    if (!id.ok()) return withContext("read WHO_AM_I", id.error());
    if (*id != kWhoAmI) {
      std::string what = "WHO_AM_I " + hex(*id) + " at 0x0F is not an LPS33HW (0xB1)";
      if (*id == 0xB3) what += ": is this an LPS22HH/LPS22HB-family chip?";
      return makeError(ErrorCode::Invalid, what);
    }
    if (Status s = bus_.writeByteData(address_, kRegCtrl2, kIfAddInc | kSwReset); !s.ok()) {
      return withContext("software reset", s.error());
    }
    bool done = false;
    for (int i = 0; i < kResetPolls && !done; ++i) {
      Result<std::uint8_t> ctrl2 = bus_.readByteData(address_, kRegCtrl2);
      done = ctrl2.ok() && (*ctrl2 & kSwReset) == 0;
    }
    if (!done) return makeError(ErrorCode::Timeout, "software reset did not complete");
    // ODR 0 (power-down, one-shot on demand), block data update.
    if (Status s = bus_.writeByteData(address_, kRegCtrl1, kBdu); !s.ok()) {
      return withContext("write CTRL_REG1", s.error());
    }
    return {};
  }

  I2cBus& bus_;
  std::uint8_t address_;
  bool temperature_;
  bool ready_ = false;
  bool measuring_ = false;
};

}  // namespace

Lps33Values decodeLps33(std::span<const std::uint8_t, 6> frame) {
  Lps33Values v;
  const std::uint8_t status = frame[0];
  if ((status & kPda) == 0) {
    v.pressure = makeError(ErrorCode::NotReady,
                           "pressure: no new data (STATUS " + hex(status) + ", P_DA clear)");
  } else {
    // 24-bit two's complement, 4096 LSB/hPa.
    std::uint32_t u = frame[1] | (frame[2] << 8) | (static_cast<std::uint32_t>(frame[3]) << 16);
    std::int32_t raw = static_cast<std::int32_t>(u << 8) >> 8;
    double hPa = raw / 4096.0;
    if (hPa < 260.0 || hPa > 1260.0) {
      v.pressure = makeError(ErrorCode::Invalid, "pressure: " + std::to_string(hPa / 10.0) +
                                                     " kPa is outside the chip's range 26..126");
    } else {
      v.pressure = hPa / 10.0;
    }
  }
  if ((status & kTda) == 0) {
    v.temperature = makeError(ErrorCode::NotReady,
                              "temperature: no new data (STATUS " + hex(status) + ", T_DA clear)");
  } else {
    const auto raw = static_cast<std::int16_t>(frame[4] | (frame[5] << 8));
    double celsius = raw / 100.0;
    if (celsius < -40.0 || celsius > 85.0) {
      v.temperature =
          makeError(ErrorCode::Invalid, "temperature: " + std::to_string(celsius) +
                                            " degC is outside the chip's range -40..85");
    } else {
      v.temperature = celsius;
    }
  }
  return v;
}

DriverInfo lps33DriverInfo() {
  DriverInfo info;
  info.name = "lps33hw";
  info.summary = "ST LPS33HW barometric pressure (one-shot), optionally its temperature";
  info.onI2cBus = true;
  info.addresses = {0x5D, 0x5C};
  info.quantities = {
      Quantity{"pressure", "kPa", 227, false, 3},
      // No public id for the LPS33's temperature: the generic 55, published only when
      // `temperature: true`, so a default config never collides with another sensor's 55.
      Quantity{"temperature", "degC", 55, true, 2},
  };
  info.options = {
      OptionSpec{"temperature",
                 OptionType::Boolean,
                 false,
                 0,
                 -1,
                 {},
                 "false",
                 "also publish the chip's temperature (generic id 55 unless ids: says)"},
  };
  info.create = [](const DriverContext& context) -> Result<std::unique_ptr<Driver>> {
    const SensorConfig& sensor = context.sensor;
    if (!sensor.bus || !sensor.address)
      return makeError(ErrorCode::Config, "needs bus and address");
    const bool temperature = hasOption(sensor, "temperature") && optionBool(sensor, "temperature");
    return std::unique_ptr<Driver>(std::make_unique<Lps33Driver>(
        context.buses.bus(*sensor.bus), static_cast<std::uint8_t>(*sensor.address), temperature));
  };
  return info;
}

}  // namespace sckd
