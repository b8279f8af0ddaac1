// The sensors list: names, drivers, bus and address, platform ids, driver options.

#include <gtest/gtest.h>

#include "tests/config/config_test_util.h"

namespace sckd::testing {
namespace {

const std::string kHead = "platform:\n  token: abc123\n  tls: false\nsensors:\n";  // 4 lines

TEST(Sensors, SimGetsItsDefaultOptions) {
  Config c = valid(kHead + "  - driver: sim\n    id: 55\n");
  ASSERT_EQ(c.sensors.size(), 1u);
  const SensorConfig& s = c.sensors[0];
  EXPECT_EQ(s.name, "sim-1");
  EXPECT_EQ(s.driver, "sim");
  EXPECT_FALSE(s.bus.has_value());
  EXPECT_FALSE(s.address.has_value());
  EXPECT_EQ(s.interval, std::chrono::seconds(60));
  EXPECT_EQ(s.ids.at("value"), 55);
  EXPECT_EQ(s.pos.line, 5);
  EXPECT_EQ(s.pos.column, 5);
  EXPECT_EQ(optionString(s, "waveform"), "counter");
  EXPECT_EQ(optionInt(s, "fail_every"), 0);
  EXPECT_DOUBLE_EQ(optionDouble(s, "min"), 0);
  EXPECT_DOUBLE_EQ(optionDouble(s, "max"), 100);
  EXPECT_EQ(optionInt(s, "period"), 60);
  EXPECT_TRUE(std::holds_alternative<std::int64_t>(s.options.at("period")));
  EXPECT_TRUE(std::holds_alternative<double>(s.options.at("max")));
  EXPECT_EQ(s.options.size(), 6u);
}

TEST(Sensors, OptionsAreTypedAndRanged) {
  Config c = valid(kHead +
                   "  - driver: sim\n    id: 55\n    waveform: sine\n    min: -5\n"
                   "    max: 12.5\n    period: 5m\n    fail_every: 3\n");
  const SensorConfig& s = c.sensors[0];
  EXPECT_EQ(optionString(s, "waveform"), "sine");
  EXPECT_DOUBLE_EQ(optionDouble(s, "min"), -5);
  EXPECT_DOUBLE_EQ(optionDouble(s, "max"), 12.5);
  EXPECT_EQ(optionInt(s, "period"), 300);
  EXPECT_EQ(optionInt(s, "fail_every"), 3);
  EXPECT_TRUE(hasOption(s, "period"));
  EXPECT_FALSE(hasOption(s, "nope"));

  std::string e = errorOf(kHead + "  - driver: sim\n    id: 55\n    waveform: sinus\n");
  EXPECT_EQ(e,
            "/etc/sckd/t.yaml:7:15: sensors[0].waveform: 'sinus' is not one of: counter, "
            "sine, constant; did you mean 'sine'?");
  e = errorOf(kHead + "  - driver: sim\n    id: 55\n    fail_every: -1\n");
  EXPECT_NE(e.find(":7:17: sensors[0].fail_every: -1 is out of range: must be from 0 to "
                   "1000000000"),
            std::string::npos)
      << e;
  e = errorOf(kHead + "  - driver: sim\n    id: 55\n    period: 2d\n");
  EXPECT_NE(e.find("sensors[0].period: '2d' is out of range: must be from 1s to 1d"),
            std::string::npos)
      << e;
  e = errorOf(kHead + "  - driver: sim\n    id: 55\n    max: lots\n");
  EXPECT_NE(e.find(":7:10: sensors[0].max: expected a number, got 'lots'"), std::string::npos) << e;
  e = errorOf(kHead + "  - driver: sim\n    id: 55\n    max: .nan\n");
  EXPECT_NE(e.find("sensors[0].max: expected a number"), std::string::npos) << e;
}

TEST(Sensors, NumberRangeAndBooleanOptions) {
  Config c = valid(kHead +
                   "  - driver: thchip\n    heater: true\n    gain: 2\n"
                   "    settle: 10s\n");
  EXPECT_TRUE(optionBool(c.sensors[0], "heater"));
  EXPECT_DOUBLE_EQ(optionDouble(c.sensors[0], "gain"), 2);
  EXPECT_EQ(optionInt(c.sensors[0], "settle"), 10);
  std::string e = errorOf(kHead + "  - driver: thchip\n    gain: 2.5\n");
  EXPECT_NE(e.find("sensors[0].gain: 2.5 is out of range: must be from 0.5 to 2"),
            std::string::npos)
      << e;
  e = errorOf(kHead + "  - driver: thchip\n    heater: 1\n");
  EXPECT_NE(e.find("sensors[0].heater: expected true or false, got '1'"), std::string::npos) << e;
  // An option without a default and not set is simply absent.
  EXPECT_FALSE(hasOption(valid(kHead + "  - driver: thchip\n").sensors[0], "settle"));
}

TEST(Sensors, RequiredOptionMissing) {
  std::string e = errorOf(kHead + "  - driver: needy\n    ids: {co2: 158}\n");
  EXPECT_EQ(e, "/etc/sckd/t.yaml:5:5: sensors[0].pin: missing: driver 'needy' needs it");
  Config c = valid(kHead + "  - driver: needy\n    ids: {co2: 158}\n    pin: 4\n");
  EXPECT_EQ(optionInt(c.sensors[0], "pin"), 4);
}

TEST(Sensors, NameDefaultsAndRules) {
  Config c = valid(kHead +
                   "  - driver: sim\n    id: 1\n  - driver: thchip\n"
                   "  - driver: thchip\n    bus: 3\n    address: 0x45\n    ids: {temperature: "
                   "2, humidity: 3}\n  - driver: sim\n    id: 4\n    name: Out_door.1\n");
  ASSERT_EQ(c.sensors.size(), 4u);
  EXPECT_EQ(c.sensors[0].name, "sim-1");
  EXPECT_EQ(c.sensors[1].name, "thchip-1-0x44");
  EXPECT_EQ(c.sensors[2].name, "thchip-3-0x45");
  EXPECT_EQ(c.sensors[3].name, "Out_door.1");

  std::string e = errorOf(kHead + "  - driver: sim\n    id: 1\n    name: \"in door\"\n");
  EXPECT_NE(e.find(":7:11: sensors[0].name: expected 1 to 64 characters of letters, digits"),
            std::string::npos)
      << e;
  e = errorOf(kHead + "  - driver: sim\n    id: 1\n    name: " + std::string(65, 'n') + "\n");
  EXPECT_NE(e.find("sensors[0].name: expected 1 to 64"), std::string::npos) << e;
}

TEST(Sensors, KeyPathsUseTheSensorName) {
  std::string e = errorOf(kHead +
                          "  - driver: sim\n    id: 1\n  - name: indoor\n"
                          "    driver: thchip\n    address: 0x46\n");
  EXPECT_EQ(e,
            "/etc/sckd/t.yaml:9:14: sensors[indoor].address: 0x46 is not an address a "
            "thchip can have; allowed: 0x44, 0x45");
}

TEST(Sensors, NamesAreUnique) {
  std::string e = errorOf(kHead +
                          "  - name: a\n    driver: sim\n    id: 1\n"
                          "  - name: a\n    driver: sim\n    id: 2\n");
  EXPECT_EQ(e,
            "/etc/sckd/t.yaml:8:11: sensors[a].name: 'a' is already the name of the sensor "
            "at line 5, column 11; sensor names must be unique");
  // A default name collides too.
  e = errorOf(kHead +
              "  - name: sim-2\n    driver: sim\n    id: 1\n  - driver: sim\n"
              "    id: 2\n");
  EXPECT_NE(e.find(":8:5: sensors[1].name: 'sim-2' is already the name of the sensor at line "
                   "5, column 11"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("default name"), std::string::npos) << e;
}

TEST(Sensors, TwoSensorsMayNotPublishOneId) {
  std::string e = errorOf(kHead +
                          "  - name: a\n    driver: sim\n    id: 55\n"
                          "  - name: b\n    driver: thchip\n");
  EXPECT_EQ(e,
            "/etc/sckd/t.yaml:8:5: sensors[b].ids.temperature: platform id 55 is published "
            "by both sensor 'a' (line 5, column 5) and sensor 'b': the platform keeps one "
            "value per id and second, so one would silently overwrite the other; give each "
            "its own id");
  e = errorOf(kHead +
              "  - driver: thchip\n  - driver: thchip\n    address: 0x45\n"
              "    ids: {humidity: 56, temperature: 79}\n");
  EXPECT_NE(e.find(":8:21: sensors[1].ids.humidity: platform id 56"), std::string::npos) << e;
  // Within one sensor too.
  e = errorOf(kHead + "  - driver: thchip\n    ids: {temperature: 56}\n");
  EXPECT_NE(e.find("platform id 56 is published by both"), std::string::npos) << e;
}

TEST(Sensors, IdShorthandOnlyForOneQuantity) {
  std::string e = errorOf(kHead + "  - driver: thchip\n    id: 7\n");
  EXPECT_EQ(e,
            "/etc/sckd/t.yaml:6:9: sensors[0].id: `id:` is only for drivers with one "
            "quantity; 'thchip' has 2 (temperature, humidity): use `ids: {temperature: N, "
            "...}`");
  Config c = valid(kHead + "  - driver: sim\n    ids: {value: 9}\n");
  EXPECT_EQ(c.sensors[0].ids.at("value"), 9);
  e = errorOf(kHead + "  - driver: sim\n    id: 9\n    ids: {value: 9}\n");
  EXPECT_NE(e.find("sensors[0].id: give either `id:` or `ids:`, not both"), std::string::npos) << e;
}

TEST(Sensors, EveryQuantityNeedsAnId) {
  std::string e = errorOf(kHead + "  - driver: sim\n");
  EXPECT_EQ(e,
            "/etc/sckd/t.yaml:5:5: sensors[0].id: needs a platform id: add `id: N` with the "
            "platform's sensor id for this quantity (driver 'sim' has no default)");
  e = errorOf(kHead + "  - driver: needy\n    pin: 1\n");
  EXPECT_NE(e.find("sensors[0].ids.co2: needs a platform id: add `ids: {co2: N}`"),
            std::string::npos)
      << e;
  Config c = valid(kHead + "  - driver: thchip\n    ids: {humidity: 80}\n");
  EXPECT_EQ(c.sensors[0].ids.at("temperature"), 55);
  EXPECT_EQ(c.sensors[0].ids.at("humidity"), 80);
}

TEST(Sensors, IdsKeysAreQuantities) {
  std::string e = errorOf(kHead + "  - driver: thchip\n    ids: {temprature: 79}\n");
  EXPECT_NE(e.find(":6:11: sensors[0].ids.temprature: unknown key; did you mean "
                   "'temperature'?"),
            std::string::npos)
      << e;
  e = errorOf(kHead + "  - driver: sim\n    ids: {value: -3}\n");
  EXPECT_NE(e.find("sensors[0].ids.value: -3 is out of range"), std::string::npos) << e;
  e = errorOf(kHead + "  - driver: sim\n    ids: [1]\n");
  EXPECT_NE(e.find("sensors[0].ids: expected a map of keys (value), got a list"), std::string::npos)
      << e;
}

TEST(Sensors, BusAndAddress) {
  Config c = valid(kHead + "  - driver: thchip\n");
  EXPECT_EQ(c.sensors[0].bus, 1);
  EXPECT_EQ(c.sensors[0].address, 0x44);
  c = valid(kHead + "  - driver: thchip\n    bus: 0\n    address: 69\n");
  EXPECT_EQ(c.sensors[0].bus, 0);
  EXPECT_EQ(c.sensors[0].address, 0x45);
  std::string e = errorOf(kHead + "  - driver: thchip\n    bus: 256\n");
  EXPECT_NE(e.find(":6:10: sensors[0].bus: 256 is out of range: must be from 0 to 255"),
            std::string::npos)
      << e;
  e = errorOf(kHead + "  - driver: sim\n    id: 1\n    bus: 1\n    address: 0x44\n");
  EXPECT_NE(e.find(":7:10: sensors[0].bus: driver 'sim' is not on an I2C bus"), std::string::npos)
      << e;
  EXPECT_NE(e.find(":8:14: sensors[0].address: driver 'sim' is not on an I2C bus"),
            std::string::npos)
      << e;
}

TEST(Sensors, DriverMustBeKnown) {
  std::string e = errorOf(kHead + "  - driver: thchp\n    whatever: 1\n");
  EXPECT_EQ(e,
            "/etc/sckd/t.yaml:5:13: sensors[0].driver: unknown driver 'thchp'; did you mean "
            "'thchip'? (available: sim, thchip, needy, counter)");
  e = errorOf(kHead + "  - interval: 5s\n");
  EXPECT_NE(e.find(":5:5: sensors[0].driver: missing: which driver reads this sensor; "
                   "available: sim, thchip, needy"),
            std::string::npos)
      << e;
  e = errorOf(kHead + "  - sim\n");
  EXPECT_NE(e.find(":5:5: sensors[0]: expected a map with at least `driver:`, got 'sim'"),
            std::string::npos)
      << e;
}

TEST(Sensors, UnknownEntryKeySuggestsOptionsToo) {
  std::string e = errorOf(kHead + "  - driver: sim\n    id: 1\n    wavefrom: sine\n");
  EXPECT_NE(e.find(":7:5: sensors[0].wavefrom: unknown key; did you mean 'waveform'?"),
            std::string::npos)
      << e;
  e = errorOf(kHead + "  - driver: sim\n    id: 1\n    id: 2\n");
  EXPECT_NE(e.find(":7:5: sensors[0].id: duplicate key"), std::string::npos) << e;
}

// A chip whose default ids depend on its address (the ADS1x15 has one id group per ADC).
TEST(Sensors, DefaultIdsMayDependOnTheAddress) {
  SensorSchema adc;
  adc.driver = "adc";
  adc.onI2cBus = true;
  adc.addresses = {0x48, 0x49};
  adc.quantities = {{"a0", 133}, {"a1", 134}};
  adc.defaultIdForAddress = [](int address, std::size_t q) {
    return 133 + 5 * (address - 0x48) + static_cast<int>(q);
  };
  const SensorSchemas drivers = {adc};
  Result<Config> c = parseConfig(kHead +
                                     "  - driver: adc\n  - driver: adc\n    address: 0x49\n"
                                     "    ids: {a1: 7}\n",
                                 "/etc/sckd/t.yaml", drivers);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->sensors[0].ids.at("a0"), 133);
  EXPECT_EQ(c->sensors[0].ids.at("a1"), 134);
  EXPECT_EQ(c->sensors[1].ids.at("a0"), 138);
  EXPECT_EQ(c->sensors[1].ids.at("a1"), 7);
  // Two ADCs at one address would publish the same ids: a real conflict, reported.
  c = parseConfig(kHead + "  - driver: adc\n  - driver: adc\n    bus: 0\n", "/etc/sckd/t.yaml",
                  drivers);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("platform id 133 is published by both"), std::string::npos)
      << c.error().message;
}

// A pulse counter measures a rate, an amount or both: each only under an id of its own.
TEST(Sensors, OptionalQuantitiesAreMeasuredOnlyWithAnId) {
  Config c = valid(kHead + "  - driver: counter\n    line: 17\n    ids: {amount: 300}\n");
  ASSERT_EQ(c.sensors.size(), 1u);
  EXPECT_EQ(c.sensors[0].ids.size(), 1u);
  EXPECT_EQ(c.sensors[0].ids.at("amount"), 300);
  EXPECT_EQ(optionString(c.sensors[0], "line"), "17") << "a line number is kept as written";

  std::string e = errorOf(kHead + "  - driver: counter\n    line: GPIO17\n");
  EXPECT_EQ(e,
            "/etc/sckd/t.yaml:5:5: sensors[0].ids: needs a platform id for at least one of "
            "rate, amount: add `ids: {rate: N}` and/or `ids: {amount: N}` (driver 'counter' "
            "measures only those)");
}

TEST(Sensors, ShortDurationsNeedTheirUnit) {
  Config c = valid(kHead +
                   "  - driver: counter\n    line: 4\n    ids: {rate: 1}\n"
                   "    debounce: 20ms\n");
  EXPECT_EQ(optionInt(c.sensors[0], "debounce"), 20);
  c = valid(kHead + "  - driver: counter\n    line: 4\n    ids: {rate: 1}\n    debounce: 1s\n");
  EXPECT_EQ(optionInt(c.sensors[0], "debounce"), 1000);

  std::string e =
      errorOf(kHead + "  - driver: counter\n    line: 4\n    ids: {rate: 1}\n    debounce: 20\n");
  EXPECT_NE(e.find("sensors[0].debounce: expected a duration from 0ms to 1s: a whole number "
                   "with a unit ms or s (\"20ms\", \"1s\"), got '20'"),
            std::string::npos)
      << e;
  e = errorOf(kHead + "  - driver: counter\n    line: 4\n    ids: {rate: 1}\n    debounce: 2s\n");
  EXPECT_NE(e.find("'2s' is out of range: must be from 0ms to 1s"), std::string::npos) << e;
}

TEST(Sensors, TwoSensorsOnOneGpioLineAreRefused) {
  std::string e = errorOf(kHead +
                          "  - name: rain\n    driver: counter\n    line: 17\n"
                          "    ids: {amount: 1}\n"
                          "  - name: wind\n    driver: counter\n    line: 17\n"
                          "    ids: {rate: 2}\n");
  EXPECT_EQ(e,
            "/etc/sckd/t.yaml:9:5: sensors[wind].line: line 17 of gpiochip0 is already read by "
            "sensor 'rain' (line 5, column 5); one line can feed only one sensor");
  valid(kHead +
        "  - name: rain\n    driver: counter\n    line: 17\n    ids: {amount: 1}\n"
        "  - name: wind\n    driver: counter\n    line: 27\n    ids: {rate: 2}\n");
}

// Two different chips at one bus address cannot both answer (an SPS30 and a SEN5x are both
// fixed at 0x69); the same chip listed twice, with the same driver, can.
TEST(Sensors, TwoChipsAtOneBusAddressAreRefused) {
  SensorSchemas drivers = testDrivers();
  SensorSchema other;  // another chip that can sit at 0x44
  other.driver = "lightchip";
  other.onI2cBus = true;
  other.addresses = {0x44, 0x23};
  other.quantities = {{"light", 14}};
  drivers.push_back(other);
  auto parsed = [&](const std::string& sensors) {
    return parseConfig(kHead + sensors, "/etc/sckd/t.yaml", drivers);
  };
  Result<Config> c = parsed(
      "  - name: air\n    driver: thchip\n"
      "  - name: sun\n    driver: lightchip\n    address: 0x44\n");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().message,
            "/etc/sckd/t.yaml:9:14: sensors[sun].address: 0x44 on bus 1 is already the address "
            "of sensor 'air' (thchip, line 5, column 5), and sensor 'sun' is a lightchip: one "
            "address on a bus is one chip (the same chip may be listed twice, with the same "
            "driver); put one of them on another bus");
  // Both at their default address: the entry is named.
  c = parsed("  - driver: lightchip\n  - driver: thchip\n");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().message.substr(0, c.error().message.find(" is a thchip")),
            "/etc/sckd/t.yaml:6:5: sensors[1].address: 0x44 on bus 1 is already the address of "
            "sensor 'lightchip-1-0x44' (lightchip, line 5, column 5), and sensor "
            "'thchip-1-0x44'");
  // On two buses, or at two addresses: two chips.
  ASSERT_TRUE(parsed("  - driver: thchip\n  - driver: lightchip\n    bus: 3\n").ok());
  ASSERT_TRUE(parsed("  - driver: thchip\n  - driver: lightchip\n    address: 0x23\n").ok());
  // One chip read twice, at two intervals and under other ids.
  c = parsed(
      "  - name: fast\n    driver: thchip\n    interval: 10s\n"
      "  - name: slow\n    driver: thchip\n    interval: 10m\n"
      "    ids: {temperature: 79, humidity: 80}\n");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->sensors[1].address, 0x44);
}

// `samples`, `reduce` and `calibrate`: how the values read become the one stored.
TEST(Sensors, SamplesReduceAndCalibrateAreRead) {
  Config c = valid(kHead +
                   "  - driver: thchip\n    interval: 60s\n    samples: 5\n    reduce: median\n"
                   "    calibrate:\n      temperature: { offset: -1.2 }\n"
                   "      humidity: { scale: 1.03, offset: 0.5 }\n");
  const SensorConfig& s = c.sensors[0];
  EXPECT_EQ(s.samples, 5);
  EXPECT_EQ(s.reduce, Reduce::Median);
  ASSERT_EQ(s.calibrate.size(), 2u);
  EXPECT_DOUBLE_EQ(s.calibrate.at("temperature").offset, -1.2);
  EXPECT_DOUBLE_EQ(s.calibrate.at("temperature").scale, 1);
  EXPECT_DOUBLE_EQ(s.calibrate.at("humidity").scale, 1.03);
  EXPECT_DOUBLE_EQ(calibrated(s, "humidity", 50), 50 * 1.03 + 0.5) << "scale, then offset";
  EXPECT_DOUBLE_EQ(calibrated(s, "temperature", 20), 18.8);
  EXPECT_DOUBLE_EQ(calibrated(s, "pressure", 20), 20) << "a quantity not listed is as read";

  // The defaults: one sample, the mean, no calibration.
  const Config defaults = valid(kHead + "  - driver: thchip\n");
  const SensorConfig& d = defaults.sensors.at(0);
  EXPECT_EQ(d.samples, 1);
  EXPECT_EQ(d.reduce, Reduce::Mean);
  EXPECT_TRUE(d.calibrate.empty());
  // `reduce:` without samples above 1 reduces one value to itself: accepted.
  EXPECT_EQ(valid(kHead + "  - driver: thchip\n    reduce: max\n").sensors[0].reduce, Reduce::Max);
  // Ten samples in a second are 100 ms apart: the closest allowed.
  EXPECT_EQ(
      valid(kHead + "  - driver: thchip\n    interval: 1s\n    samples: 10\n").sensors[0].samples,
      10);
  // A sim sine or constant can be calibrated; an empty map changes nothing.
  EXPECT_EQ(valid(kHead + "  - driver: sim\n    id: 5\n    waveform: constant\n"
                          "    calibrate: {value: {scale: 2}}\n")
                .sensors[0]
                .calibrate.at("value")
                .scale,
            2);
  EXPECT_DOUBLE_EQ(
      calibrated(valid(kHead + "  - driver: thchip\n    calibrate: {humidity: {}}\n").sensors[0],
                 "humidity", 41.5),
      41.5);
}

TEST(Sensors, SamplesOutOfRangeOrTooCloseAreErrors) {
  std::string e = errorOf(kHead + "  - driver: thchip\n    samples: 0\n");
  EXPECT_EQ(e,
            "/etc/sckd/t.yaml:6:14: sensors[0].samples: 0 is out of range: must be from 1 to "
            "100");
  e = errorOf(kHead + "  - driver: thchip\n    samples: 101\n    interval: 1h\n");
  EXPECT_NE(e.find(":6:14: sensors[0].samples: 101 is out of range: must be from 1 to 100"),
            std::string::npos)
      << e;
  e = errorOf(kHead + "  - driver: thchip\n    samples: five\n");
  EXPECT_NE(e.find(":6:14: sensors[0].samples: expected an integer from 1 to 100"),
            std::string::npos)
      << e;
  e = errorOf(kHead + "  - name: outdoor\n    driver: thchip\n    interval: 2s\n    samples: 30\n");
  EXPECT_EQ(e,
            "/etc/sckd/t.yaml:8:14: sensors[outdoor].samples: 30 samples in an interval of 2s "
            "would be one every 66ms; they must be at least 100ms apart (time for a "
            "conversion, and for the other sensors on the bus): take fewer samples or a "
            "longer interval");
}

TEST(Sensors, ADriverThatCannotBeSampledSaysWhy) {
  std::string e = errorOf(kHead +
                          "  - name: rain\n    driver: counter\n    line: '17'\n"
                          "    ids: {amount: 9}\n    samples: 3\n");
  EXPECT_EQ(e,
            "/etc/sckd/t.yaml:9:14: sensors[rain].samples: driver 'counter' takes no "
            "`samples:` above 1: it counts");
  // One sample is what it always takes.
  EXPECT_EQ(
      valid(kHead + "  - driver: counter\n    line: '17'\n    ids: {amount: 9}\n    samples: 1\n")
          .sensors[0]
          .samples,
      1);
}

TEST(Sensors, UnknownReductionGetsADidYouMean) {
  std::string e = errorOf(
      kHead + "  - name: outdoor\n    driver: thchip\n    samples: 3\n    reduce: medain\n");
  EXPECT_EQ(e,
            "/etc/sckd/t.yaml:8:13: sensors[outdoor].reduce: 'medain' is not one of: mean, "
            "median, max; did you mean 'median'?");
  e = errorOf(kHead + "  - driver: thchip\n    reduce: [max]\n");
  EXPECT_NE(e.find(":6:13: sensors[0].reduce: expected"), std::string::npos) << e;
}

TEST(Sensors, CalibrationErrorsNameTheQuantityPath) {
  // A quantity the driver does not have: did-you-mean against the driver's quantities.
  std::string e = errorOf(kHead +
                          "  - name: outdoor\n    driver: thchip\n    calibrate:\n"
                          "      temprature: { offset: -1.2 }\n");
  EXPECT_EQ(e,
            "/etc/sckd/t.yaml:8:7: sensors[outdoor].calibrate.temprature: 'temprature' is not "
            "a quantity of driver 'thchip' (it measures temperature, humidity); did you mean "
            "'temperature'?");
  // Unknown key inside a quantity's calibration.
  e = errorOf(kHead + "  - driver: thchip\n    calibrate:\n      humidity: { scael: 2 }\n");
  EXPECT_EQ(e,
            "/etc/sckd/t.yaml:7:19: sensors[0].calibrate.humidity.scael: unknown key; did you "
            "mean 'scale'?");
  // Wrong types: not a map, not a number, not finite.
  e = errorOf(kHead + "  - driver: thchip\n    calibrate: 2\n");
  EXPECT_NE(e.find(":6:16: sensors[0].calibrate: expected a map of keys (temperature, "
                   "humidity)"),
            std::string::npos)
      << e;
  e = errorOf(kHead + "  - driver: thchip\n    calibrate:\n      humidity: 1.03\n");
  EXPECT_NE(e.find(":7:17: sensors[0].calibrate.humidity: expected a map of keys (offset, "
                   "scale)"),
            std::string::npos)
      << e;
  e = errorOf(kHead + "  - driver: thchip\n    calibrate:\n      humidity: { offset: warm }\n");
  EXPECT_NE(e.find(":7:27: sensors[0].calibrate.humidity.offset: expected a number, got 'warm'"),
            std::string::npos)
      << e;
  e = errorOf(kHead + "  - driver: thchip\n    calibrate:\n      humidity: { offset: .inf }\n");
  EXPECT_NE(e.find(":7:27: sensors[0].calibrate.humidity.offset: expected a number"),
            std::string::npos)
      << e;
  e = errorOf(kHead + "  - driver: thchip\n    calibrate:\n      humidity: { scale: .nan }\n");
  EXPECT_NE(e.find(":7:26: sensors[0].calibrate.humidity.scale: expected a number"),
            std::string::npos)
      << e;
  // A scale of 0 or below: said why.
  for (const std::string scale : {"0", "-1"}) {
    e = errorOf(kHead + "  - driver: thchip\n    calibrate:\n      humidity: { scale: " + scale +
                " }\n");
    EXPECT_EQ(e, "/etc/sckd/t.yaml:7:26: sensors[0].calibrate.humidity.scale: " + scale +
                     " is out of range: a scale must be above 0 (0 would store the offset "
                     "whatever is measured, and a negative one would turn `reduce: max` into "
                     "the smallest sample)");
  }
  // The same quantity twice.
  e = errorOf(kHead +
              "  - driver: thchip\n    calibrate:\n      humidity: {scale: 2}\n"
              "      humidity: {scale: 3}\n");
  EXPECT_NE(e.find(":8:7: sensors[0].calibrate.humidity: duplicate key"), std::string::npos) << e;
}

// The sim counter's value is its own recorded_at: the driver refuses a calibration of it.
TEST(Sensors, ADriverThatCannotBeCalibratedSaysWhy) {
  std::string e = errorOf(kHead +
                          "  - name: clock\n    driver: sim\n    id: 5\n"
                          "    calibrate: {value: {offset: 1}}\n");
  EXPECT_EQ(e,
            "/etc/sckd/t.yaml:8:16: sensors[clock].calibrate: driver 'sim' takes no "
            "`calibrate:` here: counts");
}

}  // namespace
}  // namespace sckd::testing
