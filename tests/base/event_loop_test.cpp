// Real kernel, real time: epoll, timerfd and signalfd are what is under test. Every wait
// is a few milliseconds, and a watchdog timer stops a loop that would otherwise hang.
#include "daemon/base/event_loop.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdint>
#include <string>
#include <vector>

namespace sckd {
namespace {

using std::chrono::milliseconds;

std::unique_ptr<EventLoop> makeLoop(std::vector<int> signals = {}) {
  auto loop = EventLoop::create(std::move(signals));
  EXPECT_TRUE(loop.ok()) << (loop.ok() ? "" : loop.error().message);
  return loop.ok() ? std::move(*loop) : nullptr;
}

// Fails the test instead of hanging it when the loop never stops by itself.
void addWatchdog(EventLoop& loop, bool* fired) {
  loop.addTimer(MonoClock::now() + milliseconds(500), [&loop, fired] {
    *fired = true;
    loop.stop();
  });
}

struct EventFd {
  EventFd() : fd(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {}
  ~EventFd() {
    if (fd >= 0) ::close(fd);
  }
  void signal() const {
    std::uint64_t one = 1;
    ASSERT_EQ(::write(fd, &one, sizeof one), 8);
  }
  void drain() const {
    std::uint64_t v;
    (void)!::read(fd, &v, sizeof v);
  }
  int fd;
};

TEST(EventLoopTest, ReadableFdRunsItsHandler) {
  auto loop = makeLoop();
  ASSERT_TRUE(loop);
  EventFd efd;
  int calls = 0;
  std::uint32_t seen = 0;
  ASSERT_TRUE(loop->watch(efd.fd, true, false,
                          [&](std::uint32_t ev) {
                            ++calls;
                            seen = ev;
                            efd.drain();
                            loop->stop();
                          })
                  .ok());
  bool watchdog = false;
  addWatchdog(*loop, &watchdog);
  efd.signal();
  ASSERT_TRUE(loop->run().ok());
  EXPECT_FALSE(watchdog);
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(seen & EPOLLIN);
}

TEST(EventLoopTest, WatchingTheSameFdTwiceFails) {
  auto loop = makeLoop();
  ASSERT_TRUE(loop);
  EventFd efd;
  ASSERT_TRUE(loop->watch(efd.fd, true, false, [](std::uint32_t) {}).ok());
  EXPECT_FALSE(loop->watch(efd.fd, true, false, [](std::uint32_t) {}).ok());
  EXPECT_FALSE(loop->modify(12345, true, false).ok());
}

TEST(EventLoopTest, HandlerMayUnwatchItselfAndItsState) {
  auto loop = makeLoop();
  ASSERT_TRUE(loop);
  EventFd efd;
  int calls = 0;
  // The captured string lives in the handler: it must survive its own unwatch.
  std::string captured = "still alive after unwatch";
  std::string seenAfterUnwatch;
  ASSERT_TRUE(loop->watch(efd.fd, true, false,
                          [&, captured](std::uint32_t) {
                            ++calls;
                            loop->unwatch(efd.fd);
                            seenAfterUnwatch = captured;
                            // Not drained: if it were still watched, level-triggered epoll would
                            // call again.
                          })
                  .ok());
  bool watchdog = false;
  loop->addTimer(MonoClock::now() + milliseconds(30), [&] { loop->stop(); });
  addWatchdog(*loop, &watchdog);
  efd.signal();
  ASSERT_TRUE(loop->run().ok());
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(seenAfterUnwatch, "still alive after unwatch");
}

TEST(EventLoopTest, StaleEventOfAnFdUnwatchedEarlierInTheBatchIsSkipped) {
  auto loop = makeLoop();
  ASSERT_TRUE(loop);
  EventFd fds[2];
  EventFd* fresh = nullptr;
  int handled = 0;
  int freshCalls = 0;
  // Both fds are readable in one epoll batch. Whichever handler runs first closes the
  // other and watches a fresh, idle eventfd that gets the same number: the closed fd's
  // event still pending in this batch must reach no handler, old or new.
  auto handlerFor = [&](int self, int other) {
    return [&, self, other](std::uint32_t) {
      ++handled;
      loop->unwatch(self);
      loop->unwatch(other);
      EventFd& victim = fds[0].fd == other ? fds[0] : fds[1];
      ::close(victim.fd);
      victim.fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);  // the lowest free number
      EXPECT_EQ(victim.fd, other) << "the kernel did not reuse the fd number";
      fresh = &victim;
      auto onFresh = [&](std::uint32_t) {
        ++freshCalls;
        fresh->drain();
      };
      EXPECT_TRUE(loop->watch(victim.fd, true, false, onFresh).ok());
    };
  };
  ASSERT_TRUE(loop->watch(fds[0].fd, true, false, handlerFor(fds[0].fd, fds[1].fd)).ok());
  ASSERT_TRUE(loop->watch(fds[1].fd, true, false, handlerFor(fds[1].fd, fds[0].fd)).ok());
  fds[0].signal();
  fds[1].signal();
  loop->addTimer(MonoClock::now() + milliseconds(30), [&] { loop->stop(); });
  ASSERT_TRUE(loop->run().ok());
  EXPECT_EQ(handled, 1);
  EXPECT_EQ(freshCalls, 0);
  // The fresh fd is really watched: signalling it now reaches its handler.
  ASSERT_NE(fresh, nullptr);
  fresh->signal();
  loop->addTimer(MonoClock::now() + milliseconds(30), [&] { loop->stop(); });
  ASSERT_TRUE(loop->run().ok());
  EXPECT_GE(freshCalls, 1);
}

TEST(EventLoopTest, TimersRunInDeadlineOrderAndCancelledOnesNever) {
  auto loop = makeLoop();
  ASSERT_TRUE(loop);
  std::vector<int> order;
  const MonoTime t0 = MonoClock::now();
  // Added out of order; two share a deadline and keep their insertion order.
  loop->addTimer(t0 + milliseconds(20), [&] { order.push_back(3); });
  loop->addTimer(t0 + milliseconds(5), [&] { order.push_back(1); });
  EventLoop::TimerId cancelled =
      loop->addTimer(t0 + milliseconds(10), [&] { order.push_back(99); });
  loop->addTimer(t0 + milliseconds(10), [&] { order.push_back(2); });
  loop->addTimer(t0 + milliseconds(25), [&] { loop->stop(); });
  loop->cancelTimer(cancelled);
  loop->cancelTimer(cancelled);  // twice: a no-op
  ASSERT_TRUE(loop->run().ok());
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
  EXPECT_GE(MonoClock::now() - t0, milliseconds(25));
}

TEST(EventLoopTest, TimersDueTogetherRunInDeadlineOrder) {
  auto loop = makeLoop();
  ASSERT_TRUE(loop);
  std::vector<int> order;
  const MonoTime past = MonoClock::now() - milliseconds(100);
  // All already due when run() starts: one timerfd expiry covers them all.
  loop->addTimer(past + milliseconds(3), [&] { order.push_back(3); });
  loop->addTimer(past + milliseconds(1), [&] { order.push_back(1); });
  loop->addTimer(past + milliseconds(2), [&] { order.push_back(2); });
  loop->addTimer(past + milliseconds(4), [&] { loop->stop(); });
  ASSERT_TRUE(loop->run().ok());
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
}

TEST(EventLoopTest, TimerCallbackMayAddAndCancelTimers) {
  auto loop = makeLoop();
  ASSERT_TRUE(loop);
  std::vector<std::string> log;
  EventLoop::TimerId doomed = 0;
  const MonoTime t0 = MonoClock::now();
  doomed = loop->addTimer(t0 + milliseconds(15), [&] { log.push_back("doomed"); });
  EventLoop::TimerId first = 0;
  first = loop->addTimer(t0 + milliseconds(5), [&] {
    log.push_back("first");
    loop->cancelTimer(first);  // its own id, already running: a no-op
    loop->cancelTimer(doomed);
    loop->addTimer(MonoClock::now() + milliseconds(5), [&] {
      log.push_back("second");
      loop->stop();
    });
  });
  bool watchdog = false;
  addWatchdog(*loop, &watchdog);
  ASSERT_TRUE(loop->run().ok());
  EXPECT_FALSE(watchdog);
  EXPECT_EQ(log, (std::vector<std::string>{"first", "second"}));
  loop->cancelTimer(first);  // already ran: a no-op
}

TEST(EventLoopTest, BlockedSignalArrivesThroughTheLoop) {
  auto loop = makeLoop({SIGUSR1});
  ASSERT_TRUE(loop);
  int received = 0;
  loop->onSignal(SIGUSR1, [&] {
    ++received;
    loop->stop();
  });
  bool watchdog = false;
  addWatchdog(*loop, &watchdog);
  // Blocked by create(): without the signalfd this would kill the test process.
  ASSERT_EQ(raise(SIGUSR1), 0);
  ASSERT_TRUE(loop->run().ok());
  EXPECT_FALSE(watchdog);
  EXPECT_EQ(received, 1);
}

TEST(EventLoopTest, StopEndsRunAfterTheCurrentHandler) {
  auto loop = makeLoop();
  ASSERT_TRUE(loop);
  int ran = 0;
  const MonoTime past = MonoClock::now() - milliseconds(1);
  loop->addTimer(past, [&] {
    ++ran;
    loop->stop();
  });
  // Also due, but stop() comes first: it must wait for the next run().
  loop->addTimer(past + std::chrono::microseconds(1), [&] { ++ran; });
  ASSERT_TRUE(loop->run().ok());
  EXPECT_EQ(ran, 1);

  // stop() before run(): run() returns at once, and the pending timer is still there.
  loop->stop();
  ASSERT_TRUE(loop->run().ok());
  EXPECT_EQ(ran, 1);
  loop->addTimer(MonoClock::now(), [&] { loop->stop(); });
  ASSERT_TRUE(loop->run().ok());
  EXPECT_EQ(ran, 2);
}

}  // namespace
}  // namespace sckd
