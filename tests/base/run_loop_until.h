// A test helper for code that runs on a real EventLoop: runs the loop until a condition
// holds or a time limit passes, looking every 10 ms.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <functional>

#include "daemon/base/clock.h"
#include "daemon/base/event_loop.h"

namespace sckd::testing {

// True if `done` holds when the loop stops; a failed run is a test failure.
inline bool runLoopUntil(EventLoop& loop, const Clock& clock, const std::function<bool()>& done,
                         std::chrono::milliseconds limit) {
  using namespace std::chrono_literals;
  const MonoTime deadline = clock.monotonic() + limit;
  std::function<void()> check = [&] {
    if (done() || clock.monotonic() >= deadline) {
      loop.stop();
      return;
    }
    loop.addTimer(clock.monotonic() + 10ms, check);
  };
  check();
  EXPECT_TRUE(loop.run().ok());
  return done();
}

}  // namespace sckd::testing
