#include "daemon/base/backoff.h"

#include <gtest/gtest.h>

namespace sckd {
namespace {

TEST(Backoff, DoublesFromOneSecondWithJitterInTheUpperHalf) {
  Backoff backoff(Seconds(1), Seconds(120), /*seed=*/42);
  Millis base = Seconds(1);
  for (int attempt = 0; attempt < 7; ++attempt) {
    Millis delay = backoff.next();
    EXPECT_GE(delay, base / 2) << "attempt " << attempt;
    EXPECT_LE(delay, base) << "attempt " << attempt;
    base *= 2;
  }
}

TEST(Backoff, NeverExceedsTwoMinutes) {
  Backoff backoff(Seconds(1), Seconds(120), 7);
  for (int attempt = 0; attempt < 100; ++attempt) {
    Millis delay = backoff.next();
    EXPECT_LE(delay, Seconds(120));
    if (attempt > 10) {
      EXPECT_GE(delay, Seconds(60));
    }
  }
}

TEST(Backoff, ResetStartsAgainFromTheInitialDelay) {
  Backoff backoff(Seconds(1), Seconds(120), 3);
  for (int i = 0; i < 10; ++i) (void)backoff.next();
  backoff.reset();
  EXPECT_LE(backoff.next(), Seconds(1));
}

TEST(Backoff, JitterSpreadsAFleet) {
  // Two gateways that lost the broker at the same moment should not retry in lockstep.
  Backoff a(Seconds(1), Seconds(120), 1), b(Seconds(1), Seconds(120), 2);
  int same = 0;
  for (int i = 0; i < 10; ++i) same += a.next() == b.next();
  EXPECT_LT(same, 3);
}

}  // namespace
}  // namespace sckd
