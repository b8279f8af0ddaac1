// The loader's error classes and the platform, publish, clock and outbox sections.

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "tests/config/config_test_util.h"

namespace sckd::testing {
namespace {

std::string lineCount(const std::string& e) {
  return std::to_string(std::count(e.begin(), e.end(), '\n') + 1);
}

TEST(Config, MinimalFileGetsDefaults) {
  Config c = valid(kMinimal);
  EXPECT_EQ(c.path, "/etc/sckd/t.yaml");
  EXPECT_EQ(c.platform.token, "abc123");
  EXPECT_EQ(c.platform.host, "mqtt.smartcitizen.me");
  EXPECT_EQ(c.platform.port, 1883);
  EXPECT_FALSE(c.platform.tls);
  EXPECT_EQ(c.platform.keepalive, std::chrono::seconds(60));
  EXPECT_EQ(c.publish.maxReadingsPerMessage, 60);
  EXPECT_EQ(c.publish.maxMessagesPerSecond, 10);
  EXPECT_TRUE(c.clock.requireSync);
  EXPECT_EQ(c.outbox.path, "/var/lib/sckd/outbox.db");
  EXPECT_EQ(c.outbox.maxSize, 256'000'000u);
  ASSERT_EQ(c.sensors.size(), 1u);
}

TEST(Config, EveryKeySet) {
  Config c = valid(
      "platform:\n  token: abc123\n  host: broker.example\n  port: 1999\n  tls: true\n"
      "  ca_file: /etc/ssl/certs/ca-certificates.crt\n  client_id: my-gateway\n"
      "  keepalive: 2m\n"
      "publish:\n  max_readings_per_message: 5\n  max_messages_per_second: 0\n"
      "clock:\n  require_sync: false\n"
      "outbox:\n  path: /tmp/o.db\n  max_size: 1MB\n"
      "sensors:\n  - driver: sim\n    id: 55\n");
  EXPECT_EQ(c.platform.host, "broker.example");
  EXPECT_EQ(c.platform.port, 1999);
  EXPECT_TRUE(c.platform.tls);
  EXPECT_EQ(c.platform.clientId, "my-gateway");
  EXPECT_EQ(c.platform.keepalive, std::chrono::seconds(120));
  EXPECT_EQ(c.publish.maxReadingsPerMessage, 5);
  EXPECT_EQ(c.publish.maxMessagesPerSecond, 0);
  EXPECT_FALSE(c.clock.requireSync);
  EXPECT_EQ(c.outbox.path, "/tmp/o.db");
  EXPECT_EQ(c.outbox.maxSize, 1'000'000u);
}

TEST(Config, UnknownKeySuggestsTheClosest) {
  std::string e = errorOf(std::string(kMinimal) + "    inteval: 5s\n");
  EXPECT_EQ(e,
            "/etc/sckd/t.yaml:7:5: sensors[0].inteval: unknown key; did you mean "
            "'interval'?");
  e = errorOf(std::string(kMinimal) + "publsh:\n  max_messages_per_second: 1\n");
  EXPECT_EQ(e, "/etc/sckd/t.yaml:7:1: publsh: unknown key; did you mean 'publish'?");
  // Nothing close: the known keys are listed instead.
  e = errorOf(std::string(kMinimal) + "clock:\n  frobnicate: 1\n");
  EXPECT_NE(e.find("clock.frobnicate: unknown key; known keys here: require_sync"),
            std::string::npos)
      << e;
}

TEST(Config, DuplicateKeyIsAnError) {
  std::string e = errorOf(
      "platform:\n  token: abc123\n  tls: false\n  tls: true\n"
      "sensors:\n  - driver: sim\n    id: 55\n");
  EXPECT_EQ(e,
            "/etc/sckd/t.yaml:4:3: platform.tls: duplicate key: it is already set above "
            "in this map");
}

TEST(Config, WrongTypesSayWhatIsExpected) {
  std::string e = errorOf(
      "platform:\n  token: abc123\n  tls: false\n  port: abc\n"
      "sensors:\n  - driver: sim\n    id: 55\n");
  EXPECT_EQ(e,
            "/etc/sckd/t.yaml:4:9: platform.port: expected an integer from 1 to 65535, "
            "got 'abc'");
  e = errorOf(
      "platform:\n  token: abc123\n  tls: false\n  port: {a: 1}\n"
      "sensors:\n  - driver: sim\n    id: 55\n");
  EXPECT_NE(e.find(":4:9: platform.port: expected an integer from 1 to 65535, got a map"),
            std::string::npos)
      << e;
  // A quoted number is a string.
  e = errorOf(
      "platform:\n  token: abc123\n  tls: false\n  port: \"1883\"\n"
      "sensors:\n  - driver: sim\n    id: 55\n");
  EXPECT_NE(e.find("platform.port: expected an integer"), std::string::npos) << e;
  e = errorOf("platform:\n  token: abc123\n  tls: yes\nsensors:\n  - driver: sim\n    id: 55\n");
  EXPECT_NE(e.find(":3:8: platform.tls: expected true or false, got 'yes'"), std::string::npos)
      << e;
  e = errorOf("platform: [1, 2]\nsensors:\n  - driver: sim\n    id: 55\n");
  EXPECT_NE(e.find(":1:11: platform: expected a map of keys (token, host"), std::string::npos) << e;
}

TEST(Config, OutOfRangeSaysTheRange) {
  std::string e = errorOf(std::string(kMinimal) + "publish:\n  max_readings_per_message: 0\n");
  EXPECT_EQ(e,
            "/etc/sckd/t.yaml:8:29: publish.max_readings_per_message: 0 is out of range: "
            "must be from 1 to 1000");
  e = errorOf(
      "platform:\n  token: abc123\n  tls: false\n  port: 65536\n"
      "sensors:\n  - driver: sim\n    id: 55\n");
  EXPECT_NE(e.find("platform.port: 65536 is out of range: must be from 1 to 65535"),
            std::string::npos)
      << e;
  e = errorOf(std::string(kMinimal) + "publish:\n  max_messages_per_second: 1001\n");
  EXPECT_NE(e.find("must be from 0 to 1000"), std::string::npos) << e;
  e = errorOf(
      "platform:\n  token: abc123\n  tls: false\n  keepalive: 2s\n"
      "sensors:\n  - driver: sim\n    id: 55\n");
  EXPECT_NE(e.find("platform.keepalive: '2s' is out of range: must be from 5s to 1h"),
            std::string::npos)
      << e;
}

TEST(Config, MissingRequiredPointsAtTheMap) {
  std::string e = errorOf("platform:\n  tls: false\nsensors:\n  - driver: sim\n    id: 55\n");
  EXPECT_EQ(e,
            "/etc/sckd/t.yaml:2:3: platform.token: missing: set it to your device's token "
            "from the Smart Citizen platform");
  e = errorOf("sensors:\n  - driver: sim\n    id: 55\n");
  EXPECT_NE(e.find("/etc/sckd/t.yaml:1:1: platform: missing"), std::string::npos) << e;
  e = errorOf("platform:\n  token: abc123\n  tls: false\n");
  EXPECT_NE(e.find("/etc/sckd/t.yaml:1:1: sensors: missing: list at least one sensor"),
            std::string::npos)
      << e;
  e = errorOf("platform:\n  token: abc123\n  tls: false\nsensors: []\n");
  EXPECT_NE(e.find("sensors: empty: list at least one sensor"), std::string::npos) << e;
}

TEST(Config, SyntaxErrorIsReportedWithPosition) {
  std::string e = errorOf("platform:\n  token: [abc\nsensors: 1\n");
  EXPECT_EQ(e.rfind("/etc/sckd/t.yaml:", 0), 0u) << e;
  EXPECT_NE(e.find(": YAML syntax error: "), std::string::npos) << e;
  e = errorOf("platform:\n  token: abc\n bad: indent\n");
  EXPECT_NE(e.find("/etc/sckd/t.yaml:3:"), std::string::npos) << e;
  EXPECT_NE(e.find("YAML syntax error"), std::string::npos) << e;
}

TEST(Config, EmptyOrScalarFileIsAnError) {
  EXPECT_NE(errorOf("").find(":1:1: (top level): the file is empty"), std::string::npos);
  EXPECT_NE(errorOf("# only comments\n").find("the file is empty"), std::string::npos);
  EXPECT_NE(errorOf("hello\n").find(":1:1: (top level): expected a map"), std::string::npos);
  EXPECT_NE(errorOf(std::string(kMinimal) + "---\nother: 1\n").find("second YAML document"),
            std::string::npos);
  // A stray ',' at top level once made yaml-cpp's LoadAll allocate without end.
  EXPECT_FALSE(parse("# x\n, no TLS\n").ok());
}

TEST(Config, UnreadableFileSaysWhy) {
  Result<Config> r = loadConfig("/nonexistent/dir/sckd.yaml", testDrivers());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "/nonexistent/dir/sckd.yaml: cannot read: No such file or "
            "directory");
  r = loadConfig("/", testDrivers());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "/: cannot read: Is a directory");
}

TEST(Config, AFileFarLargerThanAnyConfigIsRefusedInOneLine) {
  // A user pointing --config at the wrong file (a log, an image) gets one line at once.
  const std::string path = "/tmp/sckd-config-test-" + std::to_string(::getpid()) + ".yaml";
  {
    std::ofstream big(path);
    for (int i = 0; i < 200000; ++i) big << "unknown_key_" << i << ": 1\n";
  }
  Result<Config> r = loadConfig(path, testDrivers());
  std::remove(path.c_str());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::Invalid);
  EXPECT_EQ(r.error().message.find('\n'), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("the 1 MB"), std::string::npos) << r.error().message;
}

TEST(Config, AFileOfManyMistakesShowsTheFirstFortyAndCountsTheRest) {
  std::string text = "platform:\n  token: \"abc123\"\nsensors:\n  - driver: sim\n    id: 55\n";
  for (int i = 0; i < 500; ++i) text += "unknown_key_" + std::to_string(i) + ": 1\n";
  std::string e = errorOf(text);
  const auto lines = std::count(e.begin(), e.end(), '\n') + 1;
  EXPECT_EQ(lines, 41) << e;
  EXPECT_NE(e.find("unknown_key_0"), std::string::npos);
  EXPECT_EQ(e.find("unknown_key_40:"), std::string::npos);
  EXPECT_NE(e.find("... and 460 more problems"), std::string::npos) << e.substr(e.rfind('\n'));
}

TEST(Config, AllErrorsAreReportedAtOnceInFileOrder) {
  std::string e = errorOf(
      "platform:\n"                      // 1
      "  token: ab/cd\n"                 // 2
      "  tls: false\n"                   // 3
      "  prot: 1883\n"                   // 4
      "publish:\n"                       // 5
      "  max_messages_per_second: -1\n"  // 6
      "sensors:\n"                       // 7
      "  - driver: sim\n"                // 8
      "    id: 55\n"                     // 9
      "    waveform: square\n"           // 10
      "  - driver: sim\n"                // 11
      "    id: 0\n");                    // 12
  EXPECT_EQ(lineCount(e), "5") << e;
  std::vector<std::string> lines;
  std::stringstream ss(e);
  for (std::string l; std::getline(ss, l);) lines.push_back(l);
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[0].rfind("/etc/sckd/t.yaml:2:10: platform.token: ", 0), 0u) << e;
  EXPECT_EQ(lines[1].rfind("/etc/sckd/t.yaml:4:3: platform.prot: unknown key; did you mean "
                           "'port'?",
                           0),
            0u)
      << e;
  EXPECT_EQ(lines[2].rfind("/etc/sckd/t.yaml:6:28: publish.max_messages_per_second: -1 is "
                           "out of range",
                           0),
            0u)
      << e;
  EXPECT_EQ(lines[3].rfind("/etc/sckd/t.yaml:10:15: sensors[0].waveform: 'square' is not one "
                           "of: counter, sine, constant",
                           0),
            0u)
      << e;
  EXPECT_EQ(lines[4].rfind("/etc/sckd/t.yaml:12:9: sensors[1].id: 0 is out of range", 0), 0u) << e;
}

// --- token ---

std::string withToken(const std::string& tokenYaml) {
  return "platform:\n  token: " + tokenYaml +
         "\n  tls: false\nsensors:\n  - driver: sim\n"
         "    id: 55\n";
}

TEST(Token, EachForbiddenCharacterWouldBreakTheTopic) {
  for (const char* t : {"\"abc/def\"", "\"abc+def\"", "\"abc#def\"", "\"abc def\"", "\"abc\\tdef\"",
                        "\"abc\\0def\"", "\"abc\\ndef\""}) {
    std::string e = errorOf(withToken(t));
    EXPECT_NE(e.find(":2:10: platform.token: the token 'ab...' contains "), std::string::npos)
        << t << " -> " << e;
    EXPECT_NE(e.find("would break the MQTT topic"), std::string::npos) << e;
    EXPECT_EQ(e.find("def"), std::string::npos) << "token leaked: " << e;
  }
}

TEST(Token, NonPrintableAndLength) {
  std::string e = errorOf(withToken("\"abc\\x01def\""));
  EXPECT_NE(e.find("must be printable ASCII"), std::string::npos) << e;
  e = errorOf(withToken("\"abcd\\u00e9f\""));
  EXPECT_NE(e.find("must be printable ASCII"), std::string::npos) << e;
  std::string longToken(129, 'a');
  e = errorOf(withToken(longToken));
  EXPECT_NE(e.find("is 129 characters long; at most 128"), std::string::npos) << e;
  EXPECT_EQ(e.find(longToken.substr(0, 10)), std::string::npos) << e;
  EXPECT_TRUE(parse(withToken(std::string(128, 'a'))).ok());
  e = errorOf(withToken("\"\""));
  EXPECT_NE(e.find(":2:10: platform.token: missing: set it to your device's token from the "
                   "Smart Citizen platform"),
            std::string::npos)
      << e;
  e = errorOf(withToken(""));
  EXPECT_NE(e.find(":2:3: platform.token: missing"), std::string::npos) << e;
}

TEST(Token, RawAndInventoryAreRefusedWithTheReason) {
  for (const char* t : {"xrawyz", "raw123", "inventory9", "ab_inventory"}) {
    std::string e = errorOf(withToken(t));
    EXPECT_NE(e.find("the platform routes topics by substring"), std::string::npos) << e;
    EXPECT_NE(e.find("silently dropped"), std::string::npos) << e;
    EXPECT_EQ(e.find(t), std::string::npos) << "token leaked: " << e;
  }
  EXPECT_NE(errorOf(withToken("xrawyz")).find("contains 'raw'"), std::string::npos);
  EXPECT_NE(errorOf(withToken("inventory9")).find("contains 'inventory'"), std::string::npos);
  // Case-sensitive, as the platform's matching is.
  EXPECT_TRUE(parse(withToken("RAW123")).ok());
}

TEST(Token, ShortTokenIsNotShownAtAll) {
  std::string e = errorOf(withToken("\"a/b\""));
  EXPECT_EQ(e.find("a/b"), std::string::npos) << e;
  EXPECT_NE(e.find("the token contains '/'"), std::string::npos) << e;
}

TEST(Token, NumericTokenIsAString) {
  EXPECT_EQ(valid(withToken("123456")).platform.token, "123456");
}

// --- platform ---

TEST(Platform, PortDefaultFollowsTls) {
  std::string ca = "  ca_file: /etc/ssl/certs/ca-certificates.crt\n";
  std::string tail = "sensors:\n  - driver: sim\n    id: 55\n";
  if (access("/etc/ssl/certs/ca-certificates.crt", R_OK) != 0) {
    GTEST_SKIP() << "no system trust store to point ca_file at";
  }
  EXPECT_EQ(valid("platform:\n  token: abc123\n" + tail).platform.port, 8883);
  EXPECT_EQ(valid("platform:\n  token: abc123\n  tls: true\n" + tail).platform.port, 8883);
  EXPECT_EQ(valid("platform:\n  token: abc123\n  tls: false\n" + tail).platform.port, 1883);
  EXPECT_EQ(valid("platform:\n  token: abc123\n  tls: false\n  port: 8883\n" + tail).platform.port,
            8883);
  EXPECT_EQ(valid("platform:\n  token: abc123\n  port: 1884\n" + tail).platform.port, 1884);
}

TEST(Platform, CaFileMustBeReadableWhenTlsIsOn) {
  std::string tail = "sensors:\n  - driver: sim\n    id: 55\n";
  std::string e = errorOf("platform:\n  token: abc123\n  ca_file: /nonexistent/ca.pem\n" + tail);
  EXPECT_EQ(e,
            "/etc/sckd/t.yaml:3:12: platform.ca_file: cannot read /nonexistent/ca.pem: No "
            "such file or directory (needed because tls is true; set ca_file to a readable "
            "PEM file)");
  e = errorOf("platform:\n  token: abc123\n  ca_file: /tmp\n" + tail);
  EXPECT_NE(e.find("cannot read /tmp: not a regular file"), std::string::npos) << e;
  // Without TLS the file is not needed.
  EXPECT_TRUE(
      parse("platform:\n  token: abc123\n  tls: false\n  ca_file: /nonexistent/ca.pem\n" + tail)
          .ok());
}

TEST(Platform, ClientIdIsDerivedFromTokenAndMachine) {
  Config c = valid(kMinimal);
  std::string machine;
  std::ifstream("/etc/machine-id") >> machine;
  if (machine.empty()) {
    char host[256] = {};
    gethostname(host, sizeof host - 1);
    machine = host;
  }
  EXPECT_EQ(c.platform.clientId, "sckd-abc123-" + machine.substr(0, 8));
  EXPECT_NE(c.platform.clientId, c.platform.token);  // never the id a real kit uses
  EXPECT_EQ(valid(withToken("abc123") + "").platform.clientId, c.platform.clientId);
}

TEST(Platform, GivenClientIdIsChecked) {
  std::string base = "platform:\n  token: abc123\n  tls: false\n  client_id: ";
  std::string tail = "\nsensors:\n  - driver: sim\n    id: 55\n";
  EXPECT_EQ(valid(base + "gw-1" + tail).platform.clientId, "gw-1");
  EXPECT_EQ(valid(base + "\"\"" + tail).platform.clientId.rfind("sckd-abc123-", 0), 0u);
  EXPECT_NE(errorOf(base + "\"a b\"" + tail)
                .find(":4:14: platform.client_id: expected 1 to "
                      "128 printable ASCII characters"),
            std::string::npos);
  EXPECT_NE(errorOf(base + std::string(129, 'c') + tail).find("platform.client_id"),
            std::string::npos);
}

TEST(Platform, HostMustBeNonEmptyWithoutSpaces) {
  std::string tail = "\nsensors:\n  - driver: sim\n    id: 55\n";
  std::string base = "platform:\n  token: abc123\n  tls: false\n  host: ";
  EXPECT_NE(errorOf(base + "\"\"" + tail).find("platform.host: expected a host name"),
            std::string::npos);
  EXPECT_NE(errorOf(base + "\"my host\"" + tail).find("platform.host"), std::string::npos);
  EXPECT_EQ(valid(base + "127.0.0.1" + tail).platform.host, "127.0.0.1");
}

TEST(Outbox, RelativePathIsTakenFromTheConfigDirectory) {
  std::string text = std::string(kMinimal) + "outbox:\n  path: data/../db/outbox.db\n";
  EXPECT_EQ(valid(text).outbox.path, "/etc/sckd/db/outbox.db");
  Result<Config> r = parseConfig(text, "/srv/conf/sckd.yaml", testDrivers());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->outbox.path, "/srv/conf/db/outbox.db");
  EXPECT_EQ(valid(std::string(kMinimal) + "outbox:\n  path: /abs/o.db\n").outbox.path, "/abs/o.db");
  EXPECT_NE(errorOf(std::string(kMinimal) + "outbox:\n  path: \"\"\n").find("outbox.path"),
            std::string::npos);
}

TEST(Outbox, LoadConfigResolvesAgainstTheFilesDirectory) {
  char dir[] = "/tmp/sckd-config-test-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  std::string file = std::string(dir) + "/sckd.yaml";
  std::ofstream(file) << kMinimal << "outbox:\n  path: outbox.db\n";
  // The test table's sim driver has the same keys as the real one.
  Result<Config> r = loadConfig(file, testDrivers());
  std::remove(file.c_str());
  rmdir(dir);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->outbox.path, std::string(dir) + "/outbox.db");
  EXPECT_EQ(r->path, file);
}

TEST(Config, DefaultConfigPathHonoursTheEnvironment) {
  unsetenv("SCKD_CONFIG");
  EXPECT_EQ(defaultConfigPath(), "/etc/sckd.yaml");
  setenv("SCKD_CONFIG", "/tmp/x.yaml", 1);
  EXPECT_EQ(defaultConfigPath(), "/tmp/x.yaml");
  unsetenv("SCKD_CONFIG");
}

}  // namespace
}  // namespace sckd::testing
