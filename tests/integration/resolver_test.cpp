// The broker's name behind a resolver that misbehaves (a Pi whose Wi-Fi is up but whose
// router has no uplink swallows every DNS query; a misspelt name does not exist): the
// lookups never hold up sampling and storing, the log says what is wrong, and once the
// name resolves every reading taken meanwhile arrives.

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "tests/integration/rig.h"
#include "tests/support/fake_dns.h"

namespace sckd::testing {
namespace {

const std::vector<int> kIds{101, 102, 103};
constexpr const char* kBrokerName = "broker.sckd.test";

class Resolver : public IntegrationTest {
 protected:
  void SetUp() override {
    // CI runs as root, so there it always runs; a developer's non-root run skips it.
    if (::geteuid() != 0) {
      GTEST_SKIP() << "needs root (uid 0): it binds UDP port 53 on " << FakeDns::kAddress
                   << " and bind-mounts /etc/resolv.conf in a private mount namespace";
    }
    ASSERT_NO_FATAL_FAILURE(startBroker());
    std::string why;
    dns_ = FakeDns::start(FakeDns::Mode::Swallow, &why);
    ASSERT_NE(dns_, nullptr) << why;
    std::ofstream(resolvConfPath()) << FakeDns::resolvConf();
    for (int id : kIds) config_.sensors.push_back({.id = id, .name = "sim" + std::to_string(id)});
    config_.host = kBrokerName;
  }

  std::string resolvConfPath() const { return dir_.file("resolv.conf"); }
  std::unique_ptr<SckdProcess> startBehindResolver() {
    const std::string log = dir_.file("sckd-" + std::to_string(logPaths_.size()) + ".log");
    logPaths_.push_back(log);
    return SckdProcess::spawn({"run", "--config", configPath()}, log, {},
                              {{resolvConfPath(), "/etc/resolv.conf"}});
  }

  std::unique_ptr<FakeDns> dns_;
};

TEST_F(Resolver, ASilentResolverHoldsUpNothingAndEverythingArrivesOnceTheNameResolves) {
  ASSERT_NO_FATAL_FAILURE(writeConfig());
  const std::int64_t t0 = unixNow();
  auto sckd = startBehindResolver();
  ASSERT_NE(sckd, nullptr);
  // Each lookup takes the resolver's full timeout here; a daemon that waited for it inside
  // its loop would miss most of these seconds.
  sleepFor(20s);
  ASSERT_TRUE(sckd->running()) << sckd->log();
  EXPECT_GT(dns_->queriesSeen(), 0) << "the daemon never asked the test's resolver";
  EXPECT_EQ(sub_->count(), 0u);
  EXPECT_NE(sckd->log().find("DNS server did not answer"), std::string::npos) << sckd->log();

  // A name that does not exist is named as such.
  dns_->setMode(FakeDns::Mode::NoSuchName);
  for (int i = 0; i < 600 && sckd->log().find("does not exist") == std::string::npos; ++i) {
    sleepFor(50ms);
  }
  EXPECT_NE(sckd->log().find(std::string("host name ") + kBrokerName + " does not exist"),
            std::string::npos)
      << sckd->log();

  dns_->setMode(FakeDns::Mode::Loopback);
  const std::int64_t t1 = unixNow();
  EXPECT_TRUE(waitForSeconds(kIds, t0 + 2, t1, 60s)) << describeMissing(kIds, t0 + 2, t1);
  EXPECT_TRUE(sckd->running()) << sckd->log();
  expectPlatformFormat(kIds);
}

}  // namespace
}  // namespace sckd::testing
