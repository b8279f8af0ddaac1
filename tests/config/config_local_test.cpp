// The `local:` section: the live copy to a broker on the local network (Home Assistant).
// Absent means off; every key is checked as strictly as the rest of the file.

#include <gtest/gtest.h>

#include "tests/config/config_test_util.h"

namespace sckd::testing {
namespace {

// kMinimal has six lines, so `local:` starts at line 7.
std::string withLocal(const std::string& section) {
  return std::string(kMinimal) + section;
}

TEST(Local, AbsentMeansNoLocalCopy) {
  EXPECT_FALSE(valid(kMinimal).local.has_value());
}

TEST(Local, TheSectionAloneTurnsItOnWithDefaults) {
  Config c = valid(withLocal("local:\n"));
  ASSERT_TRUE(c.local.has_value());
  EXPECT_EQ(c.local->host, "localhost");
  EXPECT_EQ(c.local->port, 1883);
  EXPECT_EQ(c.local->topicPrefix, "sckd");
  EXPECT_EQ(c.local->discoveryPrefix, "homeassistant");
  c = valid(withLocal("local:\n  host: localhost\n"));
  ASSERT_TRUE(c.local.has_value());
  EXPECT_EQ(c.local->port, 1883);
}

TEST(Local, EveryKeySet) {
  Config c =
      valid(withLocal("local:\n  host: 192.168.1.10\n  port: 1884\n  topic_prefix: home/gateway-1\n"
                      "  discovery_prefix: ha.discovery\n"));
  ASSERT_TRUE(c.local.has_value());
  EXPECT_EQ(c.local->host, "192.168.1.10");
  EXPECT_EQ(c.local->port, 1884);
  EXPECT_EQ(c.local->topicPrefix, "home/gateway-1");
  EXPECT_EQ(c.local->discoveryPrefix, "ha.discovery");
}

TEST(Local, UnknownKeySuggestsTheClosest) {
  EXPECT_EQ(errorOf(withLocal("local:\n  prot: 1883\n")),
            "/etc/sckd/t.yaml:8:3: local.prot: unknown key; did you mean 'port'?");
  EXPECT_EQ(errorOf(withLocal("locl:\n  port: 1883\n")),
            "/etc/sckd/t.yaml:7:1: locl: unknown key; did you mean 'local'?");
  // TLS and credentials are not offered: saying so beats a silent plain connection.
  std::string e = errorOf(withLocal("local:\n  tls: true\n"));
  EXPECT_NE(e.find(":8:3: local.tls: unknown key; known keys here: host, port, topic_prefix, "
                   "discovery_prefix"),
            std::string::npos)
      << e;
}

TEST(Local, WrongTypesAndRangesSayWhatIsExpected) {
  EXPECT_EQ(errorOf(withLocal("local:\n  port: abc\n")),
            "/etc/sckd/t.yaml:8:9: local.port: expected an integer from 1 to 65535, got 'abc'");
  EXPECT_EQ(errorOf(withLocal("local:\n  port: 70000\n")),
            "/etc/sckd/t.yaml:8:9: local.port: 70000 is out of range: must be from 1 to 65535");
  std::string e = errorOf(withLocal("local: yes\n"));
  EXPECT_NE(e.find(":7:8: local: expected a map of keys (host, port"), std::string::npos) << e;
  e = errorOf(withLocal("local:\n  host: \"\"\n"));
  EXPECT_NE(e.find(":8:9: local.host: expected the host name or address of the local MQTT "
                   "broker"),
            std::string::npos)
      << e;
  e = errorOf(withLocal("local:\n  host: [a]\n"));
  EXPECT_NE(e.find(":8:9: local.host: expected"), std::string::npos) << e;
}

TEST(Local, PrefixesCanNeverHoldAWildcardOrAnEmptyLevel) {
  for (const char* bad :
       {"\"a+b\"", "\"a/#\"", "\"two words\"", "/sckd", "sckd/", "a//b", "\"\""}) {
    std::string e = errorOf(withLocal(std::string("local:\n  topic_prefix: ") + bad + "\n"));
    EXPECT_NE(e.find(":8:17: local.topic_prefix: expected an MQTT topic prefix"), std::string::npos)
        << bad << ": " << e;
  }
  std::string e = errorOf(withLocal("local:\n  discovery_prefix: \"home assistant\"\n"));
  EXPECT_NE(e.find(":8:21: local.discovery_prefix: expected an MQTT topic prefix"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("(e.g. homeassistant)"), std::string::npos) << e;
}

TEST(Local, AllProblemsAreReportedTogether) {
  std::string e = errorOf(withLocal("local:\n  port: 0\n  topic_prefix: \"a#\"\n"));
  EXPECT_NE(e.find(":8:9: local.port"), std::string::npos) << e;
  EXPECT_NE(e.find(":9:17: local.topic_prefix"), std::string::npos) << e;
}

}  // namespace
}  // namespace sckd::testing
