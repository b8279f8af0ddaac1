// The seam a driver uses to have its device fd watched: the loop's real one calls the
// handler when a pipe has data and stops after unwatch(); the one for `sckd check` refuses
// with a clear error; the fake runs a handler on demand.
#include "daemon/base/fd_watcher.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "daemon/base/unique_fd.h"
#include "tests/fakes/fake_fd_watcher.h"

namespace sckd::testing {
namespace {

using namespace std::chrono_literals;

TEST(LoopFdWatcher, CallsTheHandlerWhenTheFdIsReadableUntilUnwatched) {
  auto loop = EventLoop::create({});
  ASSERT_TRUE(loop.ok());
  int ends[2];
  ASSERT_EQ(::pipe(ends), 0);
  UniqueFd reader(ends[0]);
  UniqueFd writer(ends[1]);
  LoopFdWatcher fds(**loop);
  int calls = 0;
  ASSERT_TRUE(fds.watchReadable(reader.get(),
                                [&] {
                                  char byte;
                                  ASSERT_EQ(::read(reader.get(), &byte, 1), 1);
                                  ++calls;
                                  if (calls == 2) fds.unwatch(reader.get());
                                })
                  .ok());
  EXPECT_FALSE(fds.watchReadable(reader.get(), [] {}).ok());  // one handler per fd
  ASSERT_EQ(::write(writer.get(), "ab", 2), 2);
  (*loop)->addTimer(MonoClock::now() + 200ms, [&] {
    // Unwatched after two bytes: a third never reaches the handler.
    ASSERT_EQ(::write(writer.get(), "c", 1), 1);
    (*loop)->addTimer(MonoClock::now() + 100ms, [&] { (*loop)->stop(); });
  });
  ASSERT_TRUE((*loop)->run().ok());
  EXPECT_EQ(calls, 2);
}

TEST(NoFdWatcher, RefusesWithAnErrorThatSaysWhy) {
  NoFdWatcher none;
  Status s = none.watchReadable(0, [] {});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::Unsupported);
}

TEST(FakeFdWatcher, RunsTheHandlerOnDemandWhileWatched) {
  FakeFdWatcher fds;
  int calls = 0;
  ASSERT_TRUE(fds.watchReadable(7, [&] { ++calls; }).ok());
  EXPECT_TRUE(fds.watching(7));
  EXPECT_TRUE(fds.makeReadable(7));
  fds.unwatch(7);
  EXPECT_FALSE(fds.makeReadable(7));
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace sckd::testing
