// The files sckd ships: /etc/sckd.yaml as installed and the demo, read from the source tree
// and validated against the real driver registry.

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "config/config.h"
#include "drivers/driver.h"

namespace sckd::testing {
namespace {

const std::string kRoot = SCKD_SOURCE_ROOT;

std::string readFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(ShippedConfig, DemoValidates) {
  Result<Config> r = loadConfig(kRoot + "/config/examples/demo.yaml", driverSchemas());
  ASSERT_TRUE(r.ok()) << r.error().message;
  const Config& c = *r;
  EXPECT_EQ(c.platform.token, "demo01");
  EXPECT_EQ(c.platform.host, "127.0.0.1");
  EXPECT_EQ(c.platform.port, 1883);
  EXPECT_FALSE(c.platform.tls);
  EXPECT_FALSE(c.clock.requireSync);
  EXPECT_EQ(c.outbox.path, "/tmp/sckd-demo/outbox.db");
  ASSERT_EQ(c.sensors.size(), 3u);
  EXPECT_EQ(optionString(c.sensors[0], "waveform"), "counter");
  EXPECT_EQ(c.sensors[0].ids.at("value"), 55);
  EXPECT_EQ(c.sensors[0].interval, std::chrono::seconds(1));
  EXPECT_EQ(optionString(c.sensors[1], "waveform"), "sine");
  EXPECT_EQ(c.sensors[1].ids.at("value"), 56);
  EXPECT_EQ(c.sensors[1].interval, std::chrono::seconds(2));
  EXPECT_DOUBLE_EQ(optionDouble(c.sensors[1], "min"), 40);
  EXPECT_DOUBLE_EQ(optionDouble(c.sensors[1], "max"), 60);
  EXPECT_EQ(optionInt(c.sensors[1], "period"), 60);
  EXPECT_EQ(optionString(c.sensors[2], "waveform"), "constant");
  EXPECT_EQ(c.sensors[2].ids.at("value"), 14);
  EXPECT_DOUBLE_EQ(optionDouble(c.sensors[2], "value"), 123.4);
  EXPECT_EQ(c.sensors[2].interval, std::chrono::seconds(5));
}

// As installed the file has no token and every sensor commented out: both are what a user
// must fill in, and nothing else is wrong.
TEST(ShippedConfig, DefaultFileFailsOnlyForTokenAndSensors) {
  std::string path = kRoot + "/config/sckd.yaml";
  Result<Config> r = loadConfig(path, driverSchemas());
  ASSERT_FALSE(r.ok());
  const std::string& e = r.error().message;
  ASSERT_EQ(std::count(e.begin(), e.end(), '\n'), 1) << e;
  EXPECT_NE(e.find(": platform.token: missing: set it to your device's token from the Smart "
                   "Citizen platform"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find(": sensors: empty"), std::string::npos) << e;
}

TEST(ShippedConfig, DefaultFileWithTokenAndExampleSensorValidates) {
  std::string text = readFile(kRoot + "/config/sckd.yaml");
  ASSERT_NE(text.find("token: \"\""), std::string::npos);
  text.replace(text.find("token: \"\""), 9, "token: \"abc123\"");
  // Uncomment the sim example: "  # - name: test-signal" ... up to the blank comment line.
  std::size_t begin = text.find("  # - name: test-signal");
  std::size_t end = text.find("  #\n", begin);
  ASSERT_NE(begin, std::string::npos);
  ASSERT_NE(end, std::string::npos);
  std::string block = text.substr(begin, end - begin), plain;
  std::istringstream lines(block);
  for (std::string l; std::getline(lines, l);) plain += "  " + l.substr(4) + "\n";
  text.replace(begin, end - begin, plain);
  Result<Config> r = parseConfig(text, kRoot + "/config/sckd.yaml", driverSchemas());
  ASSERT_TRUE(r.ok()) << r.error().message << "\n" << text;
  EXPECT_EQ(r->platform.port, 8883);
  EXPECT_TRUE(r->platform.tls);
  EXPECT_EQ(r->outbox.maxSize, 256'000'000u);
  ASSERT_EQ(r->sensors.size(), 1u);
  EXPECT_EQ(r->sensors[0].name, "test-signal");
}

// The GPIO example, uncommented, is a valid pulse sensor with its two ids.
TEST(ShippedConfig, TheRainGaugeExampleValidates) {
  std::string text = readFile(kRoot + "/config/sckd.yaml");
  text.replace(text.find("token: \"\""), 9, "token: \"abc123\"");
  const std::size_t begin = text.find("  # - name: rain");
  ASSERT_NE(begin, std::string::npos);
  std::size_t end = begin;
  std::string plain;
  while (end < text.size() && text.compare(end, 4, "  # ") == 0) {
    const std::size_t eol = text.find('\n', end);
    plain += "  " + text.substr(end + 4, eol - end - 4) + "\n";
    end = eol + 1;
  }
  text.replace(begin, end - begin, plain);
  Result<Config> r = parseConfig(text, kRoot + "/config/sckd.yaml", driverSchemas());
  ASSERT_TRUE(r.ok()) << r.error().message << "\n" << text;
  ASSERT_EQ(r->sensors.size(), 1u);
  EXPECT_EQ(r->sensors[0].driver, "pulse");
  EXPECT_EQ(r->sensors[0].ids.size(), 2u);
  EXPECT_EQ(optionInt(r->sensors[0], "debounce"), 20);
}

// The SHT31 example, uncommented, reads its samples, reduce and calibrate.
TEST(ShippedConfig, TheCalibratedChipExampleValidates) {
  std::string text = readFile(kRoot + "/config/sckd.yaml");
  text.replace(text.find("token: \"\""), 9, "token: \"abc123\"");
  const std::size_t begin = text.find("  # - name: indoor");
  ASSERT_NE(begin, std::string::npos);
  const std::size_t end = text.find("  #\n", begin);
  std::string plain;
  std::istringstream lines(text.substr(begin, end - begin));
  for (std::string l; std::getline(lines, l);) plain += "  " + l.substr(4) + "\n";
  text.replace(begin, end - begin, plain);
  Result<Config> r = parseConfig(text, kRoot + "/config/sckd.yaml", driverSchemas());
  ASSERT_TRUE(r.ok()) << r.error().message << "\n" << text;
  ASSERT_EQ(r->sensors.size(), 1u);
  EXPECT_EQ(r->sensors[0].samples, 1);
  EXPECT_EQ(r->sensors[0].reduce, Reduce::Mean);
  EXPECT_DOUBLE_EQ(calibrated(r->sensors[0], "temperature", 21.2), 20.0);
  EXPECT_DOUBLE_EQ(calibrated(r->sensors[0], "humidity", 50), 51.5);
}

// Where samples or a calibration mean nothing, the real drivers refuse them and say why.
TEST(ShippedConfig, TheDriversRefuseSamplesAndCalibrationWhereTheyMeanNothing) {
  auto parse = [](const std::string& sensor) {
    return parseConfig("platform:\n  token: abc123\nsensors:\n" + sensor, "t.yaml",
                       driverSchemas());
  };
  const std::string gpio = "    line: '17'\n    id: 9\n    samples: 3\n";
  Result<Config> r = parse(
      "  - driver: pulse\n    line: '17'\n    ids: {amount: 9}\n"
      "    samples: 3\n");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("sensors[0].samples: driver 'pulse' takes no `samples:` "
                                   "above 1: each reading is the pulses counted since the one "
                                   "before"),
            std::string::npos)
      << r.error().message;
  r = parse("  - driver: gpio\n    on_change: true\n" + gpio);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("sensors[0].samples: driver 'gpio' takes no `samples:` "
                                   "above 1: with on_change each change is stored at once"),
            std::string::npos)
      << r.error().message;
  r = parse("  - driver: gpio\n" + gpio);
  EXPECT_TRUE(r.ok()) << "a level sampled each interval: " << r.error().message;
  r = parse("  - driver: sim\n    id: 5\n    calibrate: {value: {scale: 2}}\n");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("sensors[0].calibrate: driver 'sim' takes no `calibrate:` "
                                   "here: the counter's value is its own recorded_at"),
            std::string::npos)
      << r.error().message;
  r = parse(
      "  - driver: sim\n    id: 5\n    waveform: sine\n    samples: 4\n"
      "    calibrate: {value: {scale: 2}}\n");
  EXPECT_TRUE(r.ok()) << r.error().message;
  r = parse(
      "  - driver: pulse\n    line: '17'\n    ids: {rate: 9}\n"
      "    calibrate: {rate: {scale: 3.6}}\n");
  EXPECT_TRUE(r.ok()) << "a pulse rate can be calibrated: " << r.error().message;
}

}  // namespace
}  // namespace sckd::testing
