#include "daemon/uplink/payload.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace sckd {
namespace {

using nlohmann::json;

std::string valueOf(double v, int decimals) {
  auto r = formatValue(v, decimals);
  EXPECT_TRUE(r.ok()) << v;
  return r.ok() ? *r : std::string("<error>");
}

TEST(FormatValue, Table) {
  struct Case {
    double value;
    int decimals;
    const char* text;
  } cases[] = {
      {21.4, 2, "21.4"},
      {21.40, 1, "21.4"},
      {21.0, 2, "21"},
      {21.456, 2, "21.46"},
      {21.454, 2, "21.45"},
      {-3.25, 1, "-3.2"},  // exact tie: round-half-even, as printf does
      {-12.5, 0, "-12"},
      {-7.891, 2, "-7.89"},
      {0.0, 3, "0"},
      {-0.0, 2, "0"},
      {-0.001, 2, "0"},
      {0.004, 2, "0"},
      {0.006, 2, "0.01"},
      {1795000000.0, 2, "1795000000"},
      {1795000000.0, 0, "1795000000"},
      {4294967295.0, 0, "4294967295"},
      {123456789012345.0, 0, "123456789012345"},
      {0.000123, 6, "0.000123"},
      {1e-9, 9, "0.000000001"},
      {1e-12, 3, "0"},
      {99.999, 2, "100"},
      {1013.25, 1, "1013.2"},
      {5.0, -3, "5"},  // negative decimals mean none
  };
  for (const auto& c : cases) {
    EXPECT_EQ(valueOf(c.value, c.decimals), c.text) << c.value << " at " << c.decimals;
  }
}

TEST(FormatValue, NeverAnExponentAndAlwaysJsonNumber) {
  for (double v : {1e-300, 1e14, 9.99e14, -9.99e14, 5e-7, 123.456e10}) {
    for (int d = 0; d <= 12; d += 3) {
      const std::string text = valueOf(v, d);
      EXPECT_EQ(text.find_first_of("eE"), std::string::npos) << text;
      const json parsed = json::parse(text);
      EXPECT_TRUE(parsed.is_number()) << text;
    }
  }
}

TEST(FormatValue, RejectsWhatIsNotAMeasurement) {
  const double bad[] = {std::nan(""),
                        std::numeric_limits<double>::infinity(),
                        -std::numeric_limits<double>::infinity(),
                        1e20,
                        -1e20,
                        1e15,
                        -1e15};
  for (double v : bad) {
    auto r = formatValue(v, 2);
    ASSERT_FALSE(r.ok()) << v;
    EXPECT_FALSE(r.error().message.empty());
  }
  EXPECT_EQ(formatValue(std::nan(""), 1).error().code, ErrorCode::Invalid);
  EXPECT_EQ(formatValue(1e20, 1).error().code, ErrorCode::Invalid);
}

TEST(FormatRecordedAt, UtcWholeSeconds) {
  EXPECT_EQ(formatRecordedAt(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(formatRecordedAt(1'795'000'000), "2026-11-18T11:06:40Z");
  EXPECT_EQ(formatRecordedAt(1'795'516'200), "2026-11-24T10:30:00Z");
  EXPECT_EQ(formatRecordedAt(951'782'400), "2000-02-29T00:00:00Z");  // leap day
  EXPECT_EQ(formatRecordedAt(2'147'483'647), "2038-01-19T03:14:07Z");
  EXPECT_EQ(formatRecordedAt(2'147'483'648), "2038-01-19T03:14:08Z");
  EXPECT_EQ(formatRecordedAt(4'102'444'800), "2100-01-01T00:00:00Z");
  EXPECT_EQ(formatRecordedAt(-1), "1969-12-31T23:59:59Z");
}

StoredReading row(std::int64_t id, std::int64_t at, int sensor, std::string value) {
  return StoredReading{id, at, sensor, std::move(value)};
}

TEST(BuildMessage, EmptyGivesNothing) {
  EXPECT_FALSE(buildMessage({}, 60).has_value());
}

TEST(BuildMessage, ExactFormatNoSpaces) {
  std::vector<StoredReading> rows = {row(1, 1'795'516'200, 55, "21.4"),
                                     row(2, 1'795'516'200, 56, "48.2"),
                                     row(3, 1'795'516'260, 55, "21.5")};
  auto msg = buildMessage(rows, 60);
  ASSERT_TRUE(msg);
  EXPECT_EQ(msg->payload,
            R"({"data":[{"recorded_at":"2026-11-24T10:30:00Z","sensors":[{"id":55,"value":21.4},)"
            R"({"id":56,"value":48.2}]},{"recorded_at":"2026-11-24T10:31:00Z","sensors":)"
            R"([{"id":55,"value":21.5}]}]})");
  EXPECT_EQ(msg->firstRowId, 1);
  EXPECT_EQ(msg->lastRowId, 3);
  EXPECT_EQ(msg->readings, 3u);
  EXPECT_EQ(msg->entries, 2u);
}

TEST(BuildMessage, MaxEntriesRespectedAndPrefixExact) {
  std::vector<StoredReading> rows;
  for (int i = 0; i < 10; ++i) {
    rows.push_back(row(100 + 2 * i, 1000 + 60 * i, 1, std::to_string(i)));
    rows.push_back(row(101 + 2 * i, 1000 + 60 * i, 2, std::to_string(i)));
  }
  auto msg = buildMessage(rows, 3);
  ASSERT_TRUE(msg);
  EXPECT_EQ(msg->entries, 3u);
  EXPECT_EQ(msg->readings, 6u);
  EXPECT_EQ(msg->firstRowId, 100);
  EXPECT_EQ(msg->lastRowId, 105);
  const json parsed = json::parse(msg->payload);
  EXPECT_EQ(parsed["data"].size(), 3u);

  auto rest = buildMessage(std::span(rows).subspan(msg->readings), 3);
  ASSERT_TRUE(rest);
  EXPECT_EQ(rest->firstRowId, 106);
}

TEST(BuildMessage, RowsSharingRecordedAtAreGroupedInFirstAppearanceOrder) {
  // A late reading for an earlier time (a slow sensor) joins that entry.
  std::vector<StoredReading> rows = {row(1, 2000, 1, "1"), row(2, 1000, 2, "2"),
                                     row(3, 2000, 3, "3"), row(4, 1000, 4, "4"),
                                     row(5, 3000, 5, "5")};
  auto msg = buildMessage(rows, 2);
  ASSERT_TRUE(msg);
  EXPECT_EQ(msg->readings, 4u);  // the third distinct time does not fit
  EXPECT_EQ(msg->lastRowId, 4);
  const json parsed = json::parse(msg->payload);
  ASSERT_EQ(parsed["data"].size(), 2u);
  EXPECT_EQ(parsed["data"][0]["recorded_at"], formatRecordedAt(2000));
  EXPECT_EQ(parsed["data"][0]["sensors"].size(), 2u);
  EXPECT_EQ(parsed["data"][0]["sensors"][1]["id"], 3);
  EXPECT_EQ(parsed["data"][1]["recorded_at"], formatRecordedAt(1000));
  EXPECT_EQ(parsed["data"][1]["sensors"][1]["id"], 4);
}

TEST(BuildMessage, ByteLimitIsExactWithThousandsOfRows) {
  std::vector<StoredReading> rows;
  for (int i = 0; i < 20000; ++i) {
    rows.push_back(row(i + 1, 1'795'000'000 + i / 5, 50 + i % 5, std::to_string(i) + ".25"));
  }
  std::size_t start = 0;
  int messages = 0;
  while (start < rows.size()) {
    auto all = std::span<const StoredReading>(rows).subspan(start);
    auto msg = buildMessage(all, 100000, kMaxPayloadBytes);
    ASSERT_TRUE(msg);
    ++messages;
    EXPECT_LE(msg->payload.size(), kMaxPayloadBytes);
    EXPECT_EQ(msg->firstRowId, all.front().rowId);
    EXPECT_EQ(msg->lastRowId, all[msg->readings - 1].rowId);
    if (msg->readings < all.size()) {
      // One more row would not have fitted.
      auto bigger = buildMessage(all.first(msg->readings + 1), 100000, SIZE_MAX);
      ASSERT_TRUE(bigger);
      EXPECT_GT(bigger->payload.size(), kMaxPayloadBytes);
      // The same prefix built without a limit is byte for byte the same message.
      auto same = buildMessage(all.first(msg->readings), 100000, SIZE_MAX);
      EXPECT_EQ(same->payload, msg->payload);
    }
    const json parsed = json::parse(msg->payload);
    std::size_t count = 0;
    for (const auto& entry : parsed["data"]) count += entry["sensors"].size();
    EXPECT_EQ(count, msg->readings);
    start += msg->readings;
  }
  EXPECT_GT(messages, 10);
}

TEST(BuildMessage, LimitExactlyAtPayloadSizeStillFits) {
  std::vector<StoredReading> rows = {row(1, 0, 1, "1"), row(2, 0, 2, "2"), row(3, 60, 3, "3")};
  auto full = buildMessage(rows, 10, SIZE_MAX);
  ASSERT_TRUE(full);
  auto exact = buildMessage(rows, 10, full->payload.size());
  EXPECT_EQ(exact->readings, 3u);
  auto less = buildMessage(rows, 10, full->payload.size() - 1);
  EXPECT_EQ(less->readings, 2u);
}

TEST(BuildMessage, SingleRowAlwaysFits) {
  std::vector<StoredReading> rows = {row(7, 0, 1, "123.456"), row(8, 0, 2, "1")};
  auto msg = buildMessage(rows, 0, 10);
  ASSERT_TRUE(msg);
  EXPECT_EQ(msg->readings, 1u);
  EXPECT_EQ(msg->firstRowId, 7);
  EXPECT_EQ(msg->lastRowId, 7);
}

TEST(BuildMessage, PlainAscii) {
  std::vector<StoredReading> rows = {row(1, 4'102'444'800, -3, "-0.5"), row(2, 0, 2147483647, "0")};
  auto msg = buildMessage(rows, 60);
  ASSERT_TRUE(msg);
  for (unsigned char c : msg->payload) {
    EXPECT_TRUE(c >= 0x20 && c < 0x7f) << int(c);
  }
  const json parsed = json::parse(msg->payload);
  EXPECT_EQ(parsed["data"][1]["sensors"][0]["id"], 2147483647);
}

}  // namespace
}  // namespace sckd
