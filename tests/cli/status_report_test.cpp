// What `sckd status` prints from the facts it gathered: failing sensors first with their
// error, values with units, ages and sparklines, plain ASCII on request, and JSON.
#include "daemon/cli/status_report.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "daemon/uplink/payload.h"

namespace sckd {
namespace {

constexpr std::int64_t kNow = 1'796'000'020;

StatusFacts runningFacts() {
  StatusFacts facts;
  facts.outboxPath = "/var/lib/sckd/outbox.db";
  facts.configuredSensors = {"indoor", "pm"};
  facts.daemonRunning = true;
  facts.now = kNow;
  RuntimeSnapshot state;
  state.pid = 321;
  state.startedAt = kNow - 7200;
  state.writtenAt = kNow;
  state.outboxPath = facts.outboxPath;
  state.queued = 3;
  state.lastDeliveryAt = kNow - 4;
  state.broker = {"mqtt.smartcitizen.me:8883", true, kNow - 3600, ""};
  SensorState indoor;
  indoor.name = "indoor";
  indoor.driver = "sht31";
  indoor.where = "indoor (sht31@i2c-1:0x44)";
  indoor.intervalSeconds = 60;
  indoor.readings = 60;
  QuantityState t;
  t.name = "temperature";
  t.unit = "degC";
  t.id = 55;
  t.text = "21.4";
  t.at = kNow - 12;
  for (int m = 0; m < 60; ++m) t.add(20 + m / 10.0, kNow - 3600 + 60 * m + 60);
  indoor.quantities.push_back(t);
  SensorState pm;
  pm.name = "pm";
  pm.driver = "sps30";
  pm.where = "pm (sps30@i2c-1:0x69)";
  pm.intervalSeconds = 60;
  pm.readings = 10;
  pm.failures = 4;
  pm.failing = true;
  pm.lastError = "read: no answer at 0x69";
  pm.lastErrorAt = kNow - 3;
  state.sensors = {indoor, pm};
  facts.state = state;
  OutboxStats o;
  o.queued = 5;  // the file's count lags the daemon's
  o.oldestRecordedAt = kNow - 30;
  o.newestRecordedAt = kNow - 12;
  o.delivered = 1000;
  o.lastDeliveryAt = kNow - 50;
  o.sizeBytes = 123456;
  facts.outbox = o;
  return facts;
}

TEST(StatusReport, FailingSensorsComeFirstWithTheirErrorThenValuesWithUnitsAndAges) {
  const std::string text = statusText(runningFacts(), /*ascii=*/false);
  EXPECT_NE(text.find("daemon      running (pid 321, started 2 h ago)"), std::string::npos) << text;
  EXPECT_NE(text.find("broker      connected to mqtt.smartcitizen.me:8883 for 60 min"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("sensors     1 ok, 1 failing"), std::string::npos) << text;
  const auto pm = text.find("✗ pm (sps30@i2c-1:0x69)");
  const auto indoor = text.find("indoor (sht31@i2c-1:0x44)");
  ASSERT_NE(pm, std::string::npos) << text;
  ASSERT_NE(indoor, std::string::npos) << text;
  EXPECT_LT(pm, indoor) << "failing sensors first";
  EXPECT_NE(text.find("FAILING: 4 of 10 readings failed, last 3 s ago: read: no answer at 0x69"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("temperature   21.4 °C       12 s ago    ▁"), std::string::npos) << text;
  EXPECT_NE(text.find("▇█"), std::string::npos) << "a rising hour ends at the top: " << text;
  EXPECT_NE(text.find("queued      3 readings"), std::string::npos) << "the daemon's exact count";
  EXPECT_NE(text.find("last      2026-"), std::string::npos) << text;
  EXPECT_NE(text.find("(4 s ago)"), std::string::npos) << "the daemon's last delivery: " << text;
}

TEST(StatusReport, AsciiHasNoByteAbove127) {
  const std::string text = statusText(runningFacts(), /*ascii=*/true);
  for (unsigned char c : text) ASSERT_LT(c, 128) << text;
  EXPECT_NE(text.find("! pm"), std::string::npos) << text;
  EXPECT_NE(text.find("21.4 degC"), std::string::npos) << text;
  EXPECT_NE(text.find("_"), std::string::npos) << text;
}

TEST(StatusReport, ADaemonThatIsNotRunningIsSaidFirstAndTheOutboxStillShown) {
  StatusFacts facts = runningFacts();
  facts.daemonRunning = false;
  facts.state.reset();
  const std::string text = statusText(facts, false);
  EXPECT_EQ(text.rfind("daemon      NOT RUNNING", 0), 0u) << text;
  EXPECT_NE(text.find("2 sensors configured"), std::string::npos) << text;
  EXPECT_NE(text.find("queued      5 readings"), std::string::npos) << "the file's count: " << text;
  EXPECT_NE(text.find("\n  oldest    " + formatRecordedAt(kNow - 30) + " (30 s ago)\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("\n  newest    " + formatRecordedAt(kNow - 12) + " (12 s ago)\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("delivered   1000 readings"), std::string::npos) << text;
}

TEST(StatusReport, SparklineScalesBetweenLowAndHighAndLeavesGapsBlank) {
  std::vector<std::optional<double>> hour(60);
  hour[0] = 1;
  hour[1] = 1;
  hour[58] = 9;
  hour[59] = 9;
  const std::string line = sparkline(hour, /*ascii=*/true);
  EXPECT_EQ(line, "_" + std::string(28, ' ') + "#");
  EXPECT_EQ(sparkline(std::vector<std::optional<double>>(60, 5.0), true), std::string(30, ':'))
      << "a steady value sits mid-height";
  EXPECT_EQ(sparkline(std::vector<std::optional<double>>(60), false), "");
}

TEST(StatusReport, JsonCarriesTheSameForScripts) {
  const auto out = nlohmann::json::parse(statusJson(runningFacts()));
  EXPECT_EQ(out["daemon"]["running"], true);
  EXPECT_EQ(out["daemon"]["pid"], 321);
  EXPECT_EQ(out["broker"]["connected"], true);
  EXPECT_EQ(out["queued"], 3);
  EXPECT_EQ(out["delivered"], 1000);
  ASSERT_EQ(out["sensors"].size(), 2u);
  EXPECT_EQ(out["sensors"][0]["name"], "pm");
  EXPECT_EQ(out["sensors"][0]["failing"], true);
  EXPECT_EQ(out["sensors"][0]["last_error"], "read: no answer at 0x69");
  const auto& t = out["sensors"][1]["quantities"][0];
  EXPECT_EQ(t["value"], 21.4);
  EXPECT_EQ(t["unit"], "degC");
  EXPECT_EQ(t["age_s"], 12);
  EXPECT_EQ(t["hour"].size(), 60u);

  StatusFacts stopped = runningFacts();
  stopped.daemonRunning = false;
  stopped.state.reset();
  const auto off = nlohmann::json::parse(statusJson(stopped));
  EXPECT_EQ(off["daemon"]["running"], false);
  EXPECT_TRUE(off["broker"].is_null());
  EXPECT_EQ(off["sensors"][1]["name"], "pm");
}

}  // namespace
}  // namespace sckd
