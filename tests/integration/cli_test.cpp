// The command line as a user meets it: every command's exit code and the words it prints
// (docs/sckd.8, COMMANDS and EXIT STATUS).

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/integration/rig.h"

namespace sckd::testing {
namespace {

struct Outcome {
  int exitCode = -1;
  std::string out;
  std::string err;
};

class Cli : public IntegrationTest {
 protected:
  Outcome run(const std::vector<std::string>& args, const std::vector<std::string>& env = {}) {
    const std::string log = dir_.file("cli-" + std::to_string(runs_++) + ".log");
    auto process = SckdProcess::spawn(args, log, env);
    EXPECT_NE(process, nullptr);
    if (!process) return {};
    auto status = process->waitExit(20s);
    EXPECT_TRUE(status.has_value()) << "sckd did not exit";
    Outcome o;
    if (status && WIFEXITED(*status)) o.exitCode = WEXITSTATUS(*status);
    o.out = process->output();
    o.err = process->log();
    return o;
  }
  void useSimConfig(const std::string& sensorExtra = "") {
    config_.outboxPath = dir_.file("outbox.db");
    config_.port = broker_ ? broker_->port() : 1;
    config_.sensors = {{.id = 55, .name = "counter", .extraLines = sensorExtra}};
    writeConfig();
  }
  int runs_ = 0;
};

TEST_F(Cli, VersionAndHelpExitZero) {
  Outcome v = run({"--version"});
  EXPECT_EQ(v.exitCode, 0);
  EXPECT_EQ(v.out.rfind("sckd ", 0), 0u) << v.out;
  Outcome h = run({"--help"});
  EXPECT_EQ(h.exitCode, 0);
  EXPECT_NE(h.out.find("usage: sckd"), std::string::npos) << h.out;
  Outcome ch = run({"check", "--help"});
  EXPECT_EQ(ch.exitCode, 0);
  EXPECT_NE(ch.out.find("--offline"), std::string::npos) << ch.out;
}

TEST_F(Cli, UnknownCommandsAndOptionsAreUsageErrors) {
  Outcome cmd = run({"frobnicate"});
  EXPECT_EQ(cmd.exitCode, 64);
  EXPECT_NE(cmd.err.find("unknown command 'frobnicate'"), std::string::npos) << cmd.err;
  EXPECT_NE(cmd.err.find("usage: sckd"), std::string::npos) << cmd.err;
  Outcome opt = run({"status", "--bogus"});
  EXPECT_EQ(opt.exitCode, 64);
  EXPECT_NE(opt.err.find("unknown option '--bogus'"), std::string::npos) << opt.err;
  Outcome missing = run({"check", "--config"});
  EXPECT_EQ(missing.exitCode, 64);
}

// `sckd scan --gpio`: 0 with a listing where the kernel has a GPIO chip, 1 saying so where
// it has none (these test machines have none; the qemu test covers a real chip).
TEST_F(Cli, ScanGpioExitsOneWhereThereIsNoChip) {
  bool chips = false;
  for (const auto& entry : std::filesystem::directory_iterator("/dev")) {
    chips = chips || entry.path().filename().string().rfind("gpiochip", 0) == 0;
  }
  Outcome scan = run({"scan", "--gpio"});
  if (chips) {
    EXPECT_EQ(scan.exitCode, 0) << scan.err;
    EXPECT_NE(scan.out.find(" lines\n"), std::string::npos) << scan.out;
  } else {
    EXPECT_EQ(scan.exitCode, 1) << scan.out;
    EXPECT_NE(scan.err.find("no GPIO chip"), std::string::npos) << scan.err;
  }
  Outcome both = run({"scan", "--gpio", "--bus", "1"});
  EXPECT_EQ(both.exitCode, 64);
  EXPECT_NE(both.err.find("--gpio and --bus exclude each other"), std::string::npos) << both.err;
}

TEST_F(Cli, CheckConfigOnlySaysWhereTheConfigIsWrong) {
  useSimConfig();
  EXPECT_EQ(run({"check", "--config-only", "--config", configPath()}).exitCode, 0);
  config_.extraTopLevel = "publsh:\n  max_messages_per_second: 3\n";
  writeConfig();
  Outcome bad = run({"check", "--config-only", "--config", configPath()});
  EXPECT_EQ(bad.exitCode, 1);
  EXPECT_NE(bad.err.find(configPath() + ":"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("did you mean 'publish'"), std::string::npos) << bad.err;
}

// A user who points --config at the wrong file (a log, a photo) learns so at once, in one
// line with its size and the limit, and a file of hundreds of mistakes shows the first
// forty and counts the rest.
TEST_F(Cli, AbsurdConfigFilesGetShortAnswersAtOnce) {
  const std::string big = dir_.file("big.yaml");
  {
    std::ofstream out(big);
    for (int i = 0; out.tellp() < 5'000'000; ++i) out << "unknown_key_" << i << ": 1\n";
  }
  const auto started = std::chrono::steady_clock::now();
  Outcome huge = run({"check", "--config-only", "--config", big});
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
  EXPECT_EQ(huge.exitCode, 1);
  EXPECT_NE(huge.err.find(big + ": 5 MB is more than the 1 MB this file may have"),
            std::string::npos)
      << huge.err;
  EXPECT_LE(std::count(huge.err.begin(), huge.err.end(), '\n'), 2) << huge.err;

  // The same file given as the CA bundle: one line, not 5 MB parsed by OpenSSL.
  useSimConfig();
  config_.tls = true;
  config_.caFile = big;
  writeConfig();
  Outcome ca = run({"check", "--config-only", "--config", configPath()});
  EXPECT_EQ(ca.exitCode, 1);
  EXPECT_NE(ca.err.find("cannot read " + big + ": 5 MB is more than the 2 MB"), std::string::npos)
      << ca.err;
  config_.tls = false;
  config_.caFile.clear();

  useSimConfig();
  for (int i = 0; i < 300; ++i) config_.extraTopLevel += "unknown_" + std::to_string(i) + ": 1\n";
  writeConfig();
  Outcome many = run({"check", "--config-only", "--config", configPath()});
  EXPECT_EQ(many.exitCode, 1);
  EXPECT_LE(std::count(many.err.begin(), many.err.end(), '\n'), 45) << many.err;
  EXPECT_NE(many.err.find("... and 260 more problems"), std::string::npos) << many.err;
}

TEST_F(Cli, CheckOfflineTakesOneReadingPerSensorAndNeverPublishes) {
  ASSERT_NO_FATAL_FAILURE(startBroker());
  useSimConfig();
  Outcome ok = run({"check", "--offline", "--config", configPath()});
  EXPECT_EQ(ok.exitCode, 0) << ok.out << ok.err;
  EXPECT_NE(ok.out.find("counter"), std::string::npos) << ok.out;
  EXPECT_NE(ok.out.find("SENSOR"), std::string::npos) << "a table with a header:\n" << ok.out;
  EXPECT_NE(ok.out.find("outbox   ok"), std::string::npos) << ok.out;

  useSimConfig("    fail_every: 1\n");  // every reading fails
  Outcome failing = run({"check", "--offline", "--config", configPath()});
  EXPECT_EQ(failing.exitCode, 3) << failing.out;
  EXPECT_NE(failing.out.find("ERROR: simulated failure"), std::string::npos) << failing.out;
  sleepFor(500ms);
  EXPECT_TRUE(sub_->messages().empty()) << "check never publishes";
}

TEST_F(Cli, CheckReportsTheBroker) {
  ASSERT_NO_FATAL_FAILURE(startBroker());
  useSimConfig();
  Outcome up = run({"check", "--config", configPath()});
  EXPECT_EQ(up.exitCode, 0) << up.out << up.err;
  EXPECT_NE(up.out.find("broker   ok"), std::string::npos) << up.out;

  config_.port = freeTcpPort();  // nothing listens there
  writeConfig();
  Outcome down = run({"check", "--config", configPath()});
  EXPECT_EQ(down.exitCode, 3) << down.out;
  EXPECT_NE(down.out.find("broker   FAILED"), std::string::npos) << down.out;
}

TEST_F(Cli, StatusReadsTheOutbox) {
  ASSERT_NO_FATAL_FAILURE(startBroker());
  useSimConfig();
  Outcome none = run({"status", "--config", configPath()});
  EXPECT_EQ(none.exitCode, 1);
  EXPECT_NE(none.err.find("no outbox at"), std::string::npos) << none.err;

  auto sckd = startSckd();
  ASSERT_NE(sckd, nullptr);
  ASSERT_TRUE(sub_->waitFor([](const auto& msgs) { return msgs.size() >= 2; }, 10s));
  Outcome live = run({"status", "--json", "--config", configPath()});  // while it runs
  sckd->kill(SIGTERM);
  ASSERT_TRUE(sckd->waitExit(5s).has_value());
  EXPECT_EQ(live.exitCode, 0) << live.err;
  auto doc = nlohmann::json::parse(live.out, nullptr, false);
  ASSERT_FALSE(doc.is_discarded()) << live.out;
  EXPECT_GE(doc["delivered"].get<int>(), 1) << live.out;
  EXPECT_TRUE(doc["last_delivery"].is_string()) << live.out;
  EXPECT_EQ(doc["outbox"], config_.outboxPath);

  Outcome human = run({"status", "--config", configPath()});
  EXPECT_EQ(human.exitCode, 0);
  EXPECT_NE(human.out.find("delivered"), std::string::npos) << human.out;
}

// What a user reads at a glance while the daemon runs: each sensor with its values, the
// failing one first with its error, the broker; and, once the daemon is gone (stopped, or
// killed and its state file left behind), that it is not running.
TEST_F(Cli, StatusShowsEachSensorTheFailingOneFirstAndWhetherTheDaemonRuns) {
  ASSERT_NO_FATAL_FAILURE(startBroker());
  config_.outboxPath = dir_.file("outbox.db");
  config_.port = broker_->port();
  config_.sensors = {{.id = 55, .name = "counter"},
                     {.id = 56, .name = "broken", .extraLines = "    fail_every: 1\n"}};
  writeConfig();
  auto sckd = startSckd();
  ASSERT_NE(sckd, nullptr);
  ASSERT_TRUE(waitForReadings({55}, 3, 10s)) << allLogs();

  Outcome human = run({"status", "--config", configPath()}, {"LC_ALL=C.UTF-8"});
  EXPECT_EQ(human.exitCode, 0) << human.err;
  const std::string& t = human.out;
  EXPECT_EQ(t.rfind("daemon      running (pid " + std::to_string(sckd->pid()), 0), 0u) << t;
  EXPECT_NE(t.find("broker      connected to 127.0.0.1:" + std::to_string(broker_->port())),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("sensors     1 ok, 1 failing"), std::string::npos) << t;
  const auto broken = t.find("✗ broken (sim), every 1 s");
  const auto counter = t.find("counter (sim), every 1 s");
  ASSERT_NE(broken, std::string::npos) << t;
  ASSERT_NE(counter, std::string::npos) << t;
  EXPECT_LT(broken, counter) << "failing sensors first:\n" << t;
  EXPECT_NE(t.find("FAILING: "), std::string::npos) << t;
  EXPECT_NE(t.find("read: simulated failure (fail_every: 1)"), std::string::npos) << t;
  EXPECT_NE(t.find("      value         17"), std::string::npos) << "the counter's value:\n" << t;
  EXPECT_NE(t.find(" s ago"), std::string::npos) << t;
  EXPECT_NE(t.find("▄"), std::string::npos) << "a steady sparkline:\n" << t;

  Outcome ascii = run({"status", "--ascii", "--config", configPath()}, {"LC_ALL=C.UTF-8"});
  EXPECT_EQ(ascii.exitCode, 0);
  for (unsigned char c : ascii.out) ASSERT_LT(c, 128) << ascii.out;
  EXPECT_NE(ascii.out.find("! broken (sim)"), std::string::npos) << ascii.out;
  Outcome plain = run({"status", "--config", configPath()}, {"LC_ALL=C"});
  for (unsigned char c : plain.out) ASSERT_LT(c, 128) << "not a UTF-8 terminal:\n" << plain.out;

  Outcome json = run({"status", "--json", "--config", configPath()});
  EXPECT_EQ(json.exitCode, 0);
  auto doc = nlohmann::json::parse(json.out, nullptr, false);
  ASSERT_FALSE(doc.is_discarded()) << json.out;
  EXPECT_EQ(doc["daemon"]["running"], true);
  EXPECT_EQ(doc["daemon"]["pid"], sckd->pid());
  EXPECT_EQ(doc["broker"]["connected"], true);
  ASSERT_EQ(doc["sensors"].size(), 2u) << json.out;
  EXPECT_EQ(doc["sensors"][0]["name"], "broken");
  EXPECT_EQ(doc["sensors"][0]["failing"], true);
  EXPECT_GE(doc["sensors"][0]["failures"].get<int>(), 3);
  EXPECT_EQ(doc["sensors"][0]["last_error"], "read: simulated failure (fail_every: 1)");
  const auto& value = doc["sensors"][1]["quantities"][0];
  EXPECT_EQ(value["id"], 55);
  // The counter's value is its own recorded_at: the one shown is the one stored.
  ASSERT_TRUE(value["value"].is_number()) << json.out;
  const std::time_t stamp = value["value"].get<std::int64_t>();
  char iso[32];
  std::strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&stamp));
  EXPECT_EQ(value["recorded_at"], iso);
  EXPECT_LE(value["age_s"].get<int>(), 2);

  // kill -9 leaves the state file behind: the lock, gone with the process, says the truth.
  sckd->kill(SIGKILL);
  ASSERT_TRUE(sckd->waitExit(5s).has_value());
  Outcome killed = run({"status", "--config", configPath()});
  EXPECT_EQ(killed.exitCode, 0) << killed.err;
  EXPECT_EQ(killed.out.rfind("daemon      NOT RUNNING", 0), 0u) << killed.out;
  EXPECT_NE(killed.out.find("2 sensors configured"), std::string::npos) << killed.out;
  Outcome killedJson = run({"status", "--json", "--config", configPath()});
  EXPECT_EQ(nlohmann::json::parse(killedJson.out, nullptr, false)["daemon"]["running"], false)
      << killedJson.out;
}

TEST_F(Cli, SckdConfigEnvironmentVariableIsTheDefaultConfig) {
  useSimConfig();
  Outcome viaEnv = run({"check", "--config-only"}, {"SCKD_CONFIG=" + configPath()});
  EXPECT_EQ(viaEnv.exitCode, 0) << viaEnv.err;
  EXPECT_NE(viaEnv.out.find(configPath()), std::string::npos) << viaEnv.out;
  // `sckd` alone is `sckd run`: with a broken config it exits 1 at once.
  Outcome bare = run({}, {"SCKD_CONFIG=" + dir_.file("missing.yaml")});
  EXPECT_EQ(bare.exitCode, 1);
  EXPECT_NE(bare.err.find("missing.yaml"), std::string::npos) << bare.err;
}

// `sckd ids`: the ids sckd knows with the drivers that use them, and the ids this config
// publishes with where each comes from, as a user picking an id for a new sensor reads them.
TEST_F(Cli, IdsListsTheKnownIdsAndTheOnesTheConfigPublishes) {
  const std::string path = dir_.file("two.yaml");
  std::ofstream(path) << "platform:\n  token: \"abc123\"\n"
                         "outbox:\n  path: "
                      << dir_.file("outbox.db")
                      << "\nsensors:\n"
                         "  - name: balcony\n    driver: sht31\n    address: 0x45\n"
                         "    ids: {temperature: 79}\n"
                         "  - name: rain-gauge\n    driver: sim\n    id: 9999\n";
  Outcome text = run({"ids", "--config", path});
  EXPECT_EQ(text.exitCode, 0) << text.err;
  EXPECT_EQ(text.err, "") << "a readable config: nothing on stderr";
  for (const char* words :
       {"SHT31 temperature", "sht31 temperature", "ads1015, ads1115 a0 at 0x48",
        "Published by " /* the path follows */, "balcony  ", "rain-gauge", "9999",
        "external SHT31 temperature", "config (driver default 55)", "? not in sckd's list",
        "balcony temperature" /* id 79 marked as in use */}) {
    EXPECT_NE(text.out.find(words), std::string::npos) << words << " in:\n" << text.out;
  }
  EXPECT_NE(text.out.find("Published by " + path + ":"), std::string::npos) << text.out;

  Outcome json = run({"ids", "--json", "--config=" + path});
  EXPECT_EQ(json.exitCode, 0) << json.err;
  auto doc = nlohmann::json::parse(json.out, nullptr, false);
  ASSERT_FALSE(doc.is_discarded()) << json.out;
  ASSERT_TRUE(doc["known"].is_array());
  ASSERT_TRUE(doc["config"].is_array());
  ASSERT_EQ(doc["config"].size(), 3u) << json.out;  // balcony's two quantities, the gauge's one
  EXPECT_EQ(doc["config"][0]["sensor"], "balcony");
  EXPECT_EQ(doc["config"][0]["id"], 79);
  EXPECT_EQ(doc["config"][0]["origin"], "override");
  EXPECT_EQ(doc["config"][1]["id"], 56);
  EXPECT_EQ(doc["config"][1]["origin"], "default");
  EXPECT_EQ(doc["config"][2]["sensor"], "rain-gauge");
  EXPECT_EQ(doc["config"][2]["known"], false);
  EXPECT_TRUE(doc["config_error"].is_null());
  bool saw79 = false;
  for (const auto& k : doc["known"]) {
    if (k["id"] != 79) continue;
    saw79 = true;
    ASSERT_EQ(k["in_use_by"].size(), 1u) << k.dump();
    EXPECT_EQ(k["in_use_by"][0]["sensor"], "balcony");
  }
  EXPECT_TRUE(saw79) << json.out;

  // SCKD_CONFIG is the default here too.
  Outcome viaEnv = run({"ids"}, {"SCKD_CONFIG=" + path});
  EXPECT_EQ(viaEnv.exitCode, 0);
  EXPECT_NE(viaEnv.out.find("rain-gauge"), std::string::npos) << viaEnv.out;
}

// Choosing ids comes before writing a config: without one the known ids are still listed,
// stderr says why the config's are not, and the exit stays 0.
TEST_F(Cli, IdsWithoutAReadableConfigStillListsTheKnownIds) {
  const std::string missing = dir_.file("missing.yaml");
  Outcome text = run({"ids", "--config", missing});
  EXPECT_EQ(text.exitCode, 0) << text.err;
  EXPECT_NE(text.out.find("SHT31 temperature"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("sht31 temperature"), std::string::npos) << text.out;
  EXPECT_EQ(text.out.find("Published by"), std::string::npos) << text.out;
  EXPECT_NE(text.err.find("sckd ids: cannot read the config"), std::string::npos) << text.err;
  EXPECT_NE(text.err.find(missing), std::string::npos) << text.err;
  EXPECT_EQ(std::count(text.err.begin(), text.err.end(), '\n'), 1) << "one line: " << text.err;

  Outcome json = run({"ids", "--json", "--config", missing});
  EXPECT_EQ(json.exitCode, 0);
  auto doc = nlohmann::json::parse(json.out, nullptr, false);
  ASSERT_FALSE(doc.is_discarded()) << json.out;
  EXPECT_GT(doc["known"].size(), 60u);
  EXPECT_TRUE(doc["config"].empty());
  ASSERT_TRUE(doc["config_error"].is_string()) << json.out;
  EXPECT_NE(doc["config_error"].get<std::string>().find(missing), std::string::npos);
}

TEST_F(Cli, IdsHasHelpAndRefusesUnknownOptions) {
  Outcome bogus = run({"ids", "--bogus"});
  EXPECT_EQ(bogus.exitCode, 64);
  EXPECT_NE(bogus.err.find("unknown option '--bogus'"), std::string::npos) << bogus.err;
  EXPECT_NE(bogus.err.find("usage: sckd"), std::string::npos) << bogus.err;
  EXPECT_TRUE(bogus.out.empty()) << bogus.out;
  Outcome help = run({"ids", "--help"});
  EXPECT_EQ(help.exitCode, 0);
  EXPECT_NE(help.out.find("sckd ids [--config PATH] [--json]"), std::string::npos) << help.out;
  Outcome all = run({"--help"});
  EXPECT_NE(all.out.find("sckd ids [--config PATH] [--json]"), std::string::npos) << all.out;
  EXPECT_NE(all.out.find("  ids "), std::string::npos) << all.out;
}

// /etc/sckd.yaml is 0640 root:sckd: a user outside group sckd is told what to do, not
// that the config is invalid.
TEST_F(Cli, AUserWhoCannotReadTheConfigIsToldToUseSudo) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to run sckd as another user (setpriv)";
  if (::access("/usr/bin/setpriv", X_OK) != 0) GTEST_SKIP() << "no /usr/bin/setpriv here";
  useSimConfig();
  ASSERT_EQ(::chmod(dir_.path().c_str(), 0755), 0);
  ASSERT_EQ(::chmod(configPath().c_str(), 0640), 0);
  const char* bin = std::getenv("SCKD_BIN");
  ASSERT_NE(bin, nullptr);
  for (const std::string command : {"status", "check"}) {
    const std::string errFile = dir_.file(command + ".err");
    const std::string line = "/usr/bin/setpriv --reuid=65534 --regid=65534 --clear-groups " +
                             std::string(bin) + " " + command + " --config " + configPath() +
                             " >/dev/null 2>" + errFile;
    const int status = std::system(line.c_str());
    ASSERT_TRUE(WIFEXITED(status)) << line;
    EXPECT_EQ(WEXITSTATUS(status), 1) << line;
    std::ifstream in(errFile);
    const std::string err((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_NE(err.find("permission denied: run with sudo or as a member of group sckd"),
              std::string::npos)
        << command << ": " << err;
  }
}

}  // namespace
}  // namespace sckd::testing
