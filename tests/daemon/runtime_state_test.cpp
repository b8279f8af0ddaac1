// The runtime state: what a sensor's readings leave in it, the STATUS= line, and the file
// format `sckd status` reads back.
#include "daemon/runtime_state.h"

#include <gtest/gtest.h>

namespace sckd {
namespace {

constexpr std::int64_t kNow = 1'796'000'020;  // 40 s into a minute

SensorConfig sensorNamed(const std::string& name, const std::string& driver = "sht31") {
  SensorConfig config;
  config.name = name;
  config.driver = driver;
  config.bus = 1;
  config.address = 0x44;
  config.interval = Seconds(10);
  return config;
}

const DriverInfo& anyDriver() {
  static DriverInfo info = [] {
    DriverInfo d;
    d.name = "sht31";
    return d;
  }();
  return info;
}

SensorReport reading(const SensorConfig& sensor, std::int64_t at, double temperature) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", temperature);
  return SensorReport{sensor,
                      anyDriver(),
                      WallTime(Seconds(at)),
                      {SensorReport::Value{"temperature", "degC", 55, temperature, text}},
                      std::nullopt};
}

SensorReport failure(const SensorConfig& sensor, std::int64_t at, const std::string& why) {
  return SensorReport{
      sensor, anyDriver(), WallTime(Seconds(at)), {}, makeError(ErrorCode::Absent, why)};
}

TEST(RuntimeState, AReadingLeavesItsValueItsTimeAndOneMinuteOfHistory) {
  RuntimeState state("/var/lib/sckd/outbox.db", 42, kNow - 100);
  const SensorConfig indoor = sensorNamed("indoor");
  state.setSensors({indoor});
  state.record(reading(indoor, kNow - 70, 20.0));  // the minute before
  state.record(reading(indoor, kNow - 20, 21.0));  // this minute, twice
  state.record(reading(indoor, kNow - 10, 22.0));

  const SensorState& s = state.snapshot().sensors.at(0);
  EXPECT_EQ(s.where, "indoor (sht31@i2c-1:0x44)");
  EXPECT_EQ(s.readings, 3u);
  EXPECT_FALSE(s.failing);
  ASSERT_EQ(s.quantities.size(), 1u);
  EXPECT_EQ(s.quantities[0].text, "22");
  EXPECT_EQ(s.quantities[0].at, kNow - 10);
  auto hour = s.quantities[0].history(kNow);
  ASSERT_EQ(hour.size(), kHistoryMinutes);
  EXPECT_DOUBLE_EQ(hour.back().value(), 21.5) << "the mean of this minute's two values";
  EXPECT_DOUBLE_EQ(hour[kHistoryMinutes - 2].value(), 20.0);
  EXPECT_FALSE(hour[kHistoryMinutes - 3]);
  // An hour later the old minutes have left the window, though their bins were never reused.
  auto later = s.quantities[0].history(kNow + 3600);
  EXPECT_TRUE(std::none_of(later.begin(), later.end(), [](auto v) { return v.has_value(); }));
}

TEST(RuntimeState, AFailureIsCountedAndNamedInTheStatusLine) {
  RuntimeState state("/o.db", 1, kNow);
  const SensorConfig indoor = sensorNamed("indoor");
  const SensorConfig pm = sensorNamed("pm", "sps30");
  state.setSensors({indoor, pm});
  state.record(reading(indoor, kNow - 1, 21.0));
  state.record(failure(pm, kNow - 2, "no answer at 0x69"));
  state.setQueue(12, kNow - 4);
  state.setBroker({"mqtt.smartcitizen.me:8883", true, kNow - 3600, ""});
  EXPECT_EQ(state.statusLine(kNow),
            "1 sensor ok, 1 failing (pm: no answer at 0x69); 12 queued; delivered 4 s ago; broker "
            "connected");
  EXPECT_EQ(state.snapshot().sensors[1].failures, 1u);

  state.record(reading(pm, kNow, 5.0));  // it answers again
  state.setBroker({"mqtt.smartcitizen.me:8883", false, kNow - 300, "connection refused"});
  EXPECT_EQ(state.statusLine(kNow),
            "2 sensors ok; 12 queued; delivered 4 s ago; broker not connected for 5 min "
            "(connection refused)");
  EXPECT_EQ(state.snapshot().sensors[1].lastError, "no answer at 0x69") << "kept for status";
}

TEST(RuntimeState, AReloadKeepsTheHistoryOfSensorsThatKeepTheirName) {
  RuntimeState state("/o.db", 1, kNow);
  const SensorConfig indoor = sensorNamed("indoor");
  state.setSensors({indoor, sensorNamed("gone")});
  state.record(reading(indoor, kNow, 21.0));
  const SensorConfig fresh = sensorNamed("fresh");
  state.setSensors({fresh, indoor});
  ASSERT_EQ(state.snapshot().sensors.size(), 2u);
  EXPECT_EQ(state.snapshot().sensors[0].name, "fresh");
  EXPECT_EQ(state.snapshot().sensors[1].readings, 1u);
}

TEST(RuntimeState, ASensorThatCannotBeOpenedIsFailingWithItsError) {
  RuntimeState state("/o.db", 1, kNow);
  const SensorConfig pm = sensorNamed("pm");
  state.setSensors({pm});
  state.notStarted(pm, makeError(ErrorCode::Absent, "no /dev/i2c-1"), kNow);
  EXPECT_EQ(state.statusLine(kNow),
            "0 sensors ok, 1 failing (pm: no /dev/i2c-1); 0 queued; "
            "nothing delivered yet; broker not connected");
}

TEST(RuntimeState, TheFileReadsBackAsItWasWritten) {
  RuntimeState state("/var/lib/sckd/outbox.db", 4242, kNow - 500);
  const SensorConfig indoor = sensorNamed("indoor");
  const SensorConfig pm = sensorNamed("pm");
  state.setSensors({indoor, pm});
  state.record(reading(indoor, kNow - 200, 19.5));
  state.record(reading(indoor, kNow - 5, 21.25));
  state.record(failure(pm, kNow - 3, "crc mismatch"));
  state.setQueue(7, std::nullopt);
  state.setBroker({"h:1883", false, kNow - 60, "no route"});

  Result<RuntimeSnapshot> back = runtimeSnapshotFromJson(state.toJson(kNow));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->pid, 4242);
  EXPECT_EQ(back->writtenAt, kNow);
  EXPECT_EQ(back->outboxPath, "/var/lib/sckd/outbox.db");
  EXPECT_EQ(back->queued, 7u);
  EXPECT_FALSE(back->lastDeliveryAt);
  EXPECT_EQ(back->broker.lastError, "no route");
  EXPECT_EQ(back->broker.since, kNow - 60);
  ASSERT_EQ(back->sensors.size(), 2u);
  EXPECT_TRUE(back->sensors[1].failing);
  EXPECT_EQ(back->sensors[1].lastError, "crc mismatch");
  const QuantityState& q = back->sensors[0].quantities.at(0);
  EXPECT_EQ(q.text, "21.25");
  EXPECT_EQ(q.unit, "degC");
  EXPECT_EQ(q.history(kNow), state.snapshot().sensors[0].quantities[0].history(kNow));
}

TEST(RuntimeState, AFileOfAnotherFormatOrDamagedIsRefusedWithAReason) {
  EXPECT_EQ(runtimeSnapshotFromJson("{\"version\":99}").error().message,
            "written by another version of sckd (format 99)");
  EXPECT_FALSE(runtimeSnapshotFromJson("{\"version\":1,\"pid\":\"x\"}").ok());
  EXPECT_FALSE(runtimeSnapshotFromJson("{\"vers").ok());
  EXPECT_FALSE(runtimeSnapshotFromJson("").ok());
}

}  // namespace
}  // namespace sckd
