#include <gtest/gtest.h>

#include "config/units.h"
#include "tests/config/config_test_util.h"

namespace sckd::testing {
namespace {

using config_detail::parseDuration;
using config_detail::parseSize;

TEST(Durations, AcceptSecondsAndUnits) {
  EXPECT_EQ(parseDuration("90"), 90);
  EXPECT_EQ(parseDuration("90s"), 90);
  EXPECT_EQ(parseDuration("5m"), 300);
  EXPECT_EQ(parseDuration("1h"), 3600);
  EXPECT_EQ(parseDuration("7d"), 7 * 86400);
}

TEST(Durations, RefuseOtherForms) {
  for (const char* bad :
       {"5 minutes", "-3s", "1.5m", "5M", "", "s", "5ms", " 5s", "5s ", "99999999999999999999d"}) {
    EXPECT_FALSE(parseDuration(bad).has_value()) << bad;
  }
}

TEST(Sizes, AcceptBytesAndUnits) {
  EXPECT_EQ(parseSize("1024"), 1024u);
  EXPECT_EQ(parseSize("100B"), 100u);
  EXPECT_EQ(parseSize("512kB"), 512'000u);
  EXPECT_EQ(parseSize("256MB"), 256'000'000u);
  EXPECT_EQ(parseSize("1GB"), 1'000'000'000u);
  EXPECT_EQ(parseSize("2TB"), 2'000'000'000'000u);
  EXPECT_EQ(parseSize("64KiB"), 65536u);
  EXPECT_EQ(parseSize("1MiB"), 1048576u);
  EXPECT_EQ(parseSize("1GiB"), 1073741824u);
  EXPECT_EQ(parseSize("1TiB"), 1099511627776u);
}

TEST(Sizes, UnitsAreCaseSensitive) {
  for (const char* bad :
       {"1kb", "1KB", "1mb", "1gib", "1 MB", "1.5GB", "-1MB", "MB", "99999999999TB"}) {
    EXPECT_FALSE(parseSize(bad).has_value()) << bad;
  }
}

TEST(Durations, InFileErrorShowsAcceptedForms) {
  std::string e = errorOf(std::string(kMinimal) + "    interval: 5 minutes\n");
  EXPECT_NE(e.find("/etc/sckd/t.yaml:7:15: sensors[0].interval: expected a duration"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("\"90s\", \"5m\", \"1h\", \"7d\""), std::string::npos) << e;
}

TEST(Durations, InFileRangeIsChecked) {
  std::string e = errorOf(std::string(kMinimal) + "    interval: 2d\n");
  EXPECT_NE(e.find("sensors[0].interval: '2d' is out of range: must be from 1s to 1d"),
            std::string::npos)
      << e;
  EXPECT_EQ(valid(std::string(kMinimal) + "    interval: 5m\n").sensors[0].interval,
            std::chrono::seconds(300));
  EXPECT_EQ(valid(std::string(kMinimal) + "    interval: 90\n").sensors[0].interval,
            std::chrono::seconds(90));
}

TEST(Sizes, InFile) {
  std::string base = std::string(kMinimal) + "outbox:\n  max_size: ";
  EXPECT_EQ(valid(base + "1GiB\n").outbox.maxSize, 1073741824u);
  EXPECT_EQ(valid(base + "65536\n").outbox.maxSize, 65536u);
  EXPECT_EQ(valid(base + "1TB\n").outbox.maxSize, 1'000'000'000'000u);
  std::string e = errorOf(base + "1gb\n");
  EXPECT_NE(e.find(":8:13: outbox.max_size: expected a size from 64KiB to 1TB"), std::string::npos)
      << e;
  EXPECT_NE(e.find("B, kB, MB, GB, TB"), std::string::npos) << e;
  EXPECT_NE(e.find("KiB, MiB, GiB, TiB"), std::string::npos) << e;
  e = errorOf(base + "64000\n");
  EXPECT_NE(e.find("outbox.max_size: '64000' is out of range: must be from 64KiB to 1TB"),
            std::string::npos)
      << e;
  e = errorOf(base + "2TB\n");
  EXPECT_NE(e.find("out of range"), std::string::npos) << e;
}

}  // namespace
}  // namespace sckd::testing
