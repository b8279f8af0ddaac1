// A blocking call on its own thread, its end reported on the loop: timers keep running
// while it blocks, its result arrives whole, and a cancelled call is forgotten.
#include "daemon/base/off_loop_call.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

namespace sckd {
namespace {

using std::chrono::milliseconds;

std::unique_ptr<EventLoop> makeLoop() {
  auto loop = EventLoop::create({});
  EXPECT_TRUE(loop.ok());
  return loop.ok() ? std::move(*loop) : nullptr;
}

TEST(OffLoopCall, TheLoopRunsWhileTheCallBlocksAndTheResultArrivesOnTheLoop) {
  auto loop = makeLoop();
  ASSERT_NE(loop, nullptr);
  OffLoopCall call(*loop);
  auto result = std::make_shared<int>(0);
  int ticks = 0;
  int ticksWhenDone = -1;
  std::function<void()> tick = [&] {
    ++ticks;
    loop->addTimer(MonoClock::now() + milliseconds(10), tick);
  };
  tick();
  ASSERT_TRUE(call.start(
                      [result] {
                        std::this_thread::sleep_for(milliseconds(200));  // a slow lookup
                        *result = 42;
                      },
                      [&] {
                        ticksWhenDone = ticks;
                        loop->stop();
                      })
                  .ok());
  EXPECT_TRUE(call.running());
  loop->addTimer(MonoClock::now() + milliseconds(3000), [&] { loop->stop(); });  // watchdog
  ASSERT_TRUE(loop->run().ok());
  EXPECT_EQ(*result, 42);
  EXPECT_FALSE(call.running());
  // About 20 ticks of 10 ms passed while the call slept; a blocked loop would have none.
  EXPECT_GE(ticksWhenDone, 10);
}

TEST(OffLoopCall, ACancelledCallFinishesAloneAndItsDoneNeverRuns) {
  auto loop = makeLoop();
  ASSERT_NE(loop, nullptr);
  auto finished = std::make_shared<std::atomic<bool>>(false);
  bool doneRan = false;
  {
    OffLoopCall call(*loop);
    ASSERT_TRUE(call.start(
                        [finished] {
                          std::this_thread::sleep_for(milliseconds(50));
                          finished->store(true);
                        },
                        [&] { doneRan = true; })
                    .ok());
    call.cancel();
    EXPECT_FALSE(call.running());
    // A second call may start at once, beside the forgotten one.
    ASSERT_TRUE(call.start([] {}, [&] { loop->stop(); }).ok());
    loop->addTimer(MonoClock::now() + milliseconds(3000), [&] { loop->stop(); });
    ASSERT_TRUE(loop->run().ok());
  }
  for (int i = 0; i < 100 && !finished->load(); ++i) std::this_thread::sleep_for(milliseconds(10));
  EXPECT_TRUE(finished->load());
  loop->addTimer(MonoClock::now() + milliseconds(100), [&] { loop->stop(); });
  ASSERT_TRUE(loop->run().ok());
  EXPECT_FALSE(doneRan);
}

TEST(OffLoopCall, OneCallAtATime) {
  auto loop = makeLoop();
  ASSERT_NE(loop, nullptr);
  OffLoopCall call(*loop);
  ASSERT_TRUE(call.start([] { std::this_thread::sleep_for(milliseconds(20)); }, [] {}).ok());
  const Status second = call.start([] {}, [] {});
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, ErrorCode::Internal);
}

}  // namespace
}  // namespace sckd
