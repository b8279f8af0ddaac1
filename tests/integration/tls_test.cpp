// TLS to the broker: with the right CA readings arrive; with an unrelated CA nothing is sent,
// the log says why, and sckd keeps trying.

#include <gtest/gtest.h>

#include <regex>
#include <sstream>

#include "tests/integration/rig.h"

namespace sckd::testing {
namespace {

class Tls : public IntegrationTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(startBroker(/*tls=*/true));
    config_.tls = true;
    config_.port = broker_->tlsPort();
    config_.sensors.push_back({.id = 121, .name = "sim121"});
  }
};

TEST_F(Tls, ReadingsArriveWithTheBrokersCa) {
  config_.caFile = broker_->tls().caCert;
  ASSERT_NO_FATAL_FAILURE(writeConfig());
  const std::int64_t t0 = unixNow();
  auto sckd = startSckd();
  ASSERT_NE(sckd, nullptr);
  sleepFor(5s);
  ASSERT_TRUE(sckd->running()) << sckd->log();
  const std::int64_t t1 = unixNow();
  EXPECT_TRUE(waitForSeconds({121}, t0 + 2, t1 - 1, 5s)) << describeMissing({121}, t0 + 2, t1 - 1);
  expectPlatformFormat();
}

TEST_F(Tls, AnUnrelatedCaIsRefusedLoudlyAndSckdKeepsTrying) {
  config_.caFile = broker_->tls().otherCaCert;
  ASSERT_NO_FATAL_FAILURE(writeConfig());
  auto sckd = startSckd();
  ASSERT_NE(sckd, nullptr);
  sleepFor(6s);
  EXPECT_EQ(sub_->count(), 0u) << "a reading went out over an unverified connection";
  EXPECT_TRUE(sckd->running()) << "sckd must keep retrying, not exit:\n" << sckd->log();
  // One line that names the certificate problem.
  std::istringstream log(sckd->log());
  const std::regex certificate("certificate", std::regex::icase);
  const std::regex verification("verif|trust|unknown ca|issuer", std::regex::icase);
  bool found = false;
  for (std::string line; std::getline(log, line);) {
    if (std::regex_search(line, certificate) && std::regex_search(line, verification)) {
      found = true;
    }
  }
  // Retrying: the broker saw more than one connection attempt on its TLS port.
  std::size_t attempts = 0;
  const std::string mark = "on port " + std::to_string(broker_->tlsPort());
  for (std::size_t at = broker_->log().find(mark); at != std::string::npos;
       at = broker_->log().find(mark, at + 1)) {
    ++attempts;
  }
  EXPECT_GE(attempts, 2u) << "sckd tried the TLS port " << attempts << " times in 6 s";
  EXPECT_TRUE(found) << "no log line names the certificate-verification failure:\n" << sckd->log();
}

}  // namespace
}  // namespace sckd::testing
