#pragma once
// Reconnect delays: exponential from 1 s up to 2 min, with "full jitter" in the upper half
// of each step so a fleet of gateways that lost the broker together does not come back in
// lockstep, while a single gateway still retries promptly at first.

#include <chrono>
#include <cstdint>
#include <random>

#include "daemon/base/clock.h"

namespace sckd {

class Backoff {
 public:
  explicit Backoff(Millis initial = Seconds(1), Millis maximum = Seconds(120),
                   std::uint32_t seed = std::random_device{}())
      : initial_(initial), maximum_(maximum), rng_(seed) {}

  // The delay before the next attempt; each call doubles the base up to the maximum.
  Millis next();
  // A connection succeeded: the next failure starts again from the initial delay.
  void reset() { attempts_ = 0; }

 private:
  Millis initial_;
  Millis maximum_;
  std::mt19937 rng_;
  std::uint32_t attempts_ = 0;
};

}  // namespace sckd
