// The one-daemon-per-outbox lock: refused while held, with the holder's pid; free again
// as soon as the holder lets go; independent for two outboxes.
#include "daemon/outbox/instance_lock.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "tests/support/temp_dir.h"

namespace sckd::testing {
namespace {

TEST(InstanceLock, HeldIsRefusedWithThePidAndTheOutbox) {
  TempDir dir;
  const std::string outbox = dir.path() + "/outbox.db";
  std::optional<InstanceLock> held;
  {
    Result<InstanceLock> first = InstanceLock::acquire(outbox);
    ASSERT_TRUE(first.ok()) << first.error().message;
    held = std::move(*first);
  }
  Result<InstanceLock> second = InstanceLock::acquire(outbox);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, ErrorCode::Busy);
  EXPECT_NE(second.error().message.find("pid " + std::to_string(::getpid())), std::string::npos)
      << second.error().message;
  EXPECT_NE(second.error().message.find(outbox), std::string::npos) << second.error().message;

  // Another outbox has a lock of its own.
  EXPECT_TRUE(InstanceLock::acquire(dir.path() + "/other.db").ok());

  held.reset();  // the holder lets go (a process that dies lets go the same way)
  EXPECT_TRUE(InstanceLock::acquire(outbox).ok());
}

TEST(InstanceLock, ANewDirectoryIsMadeLikeTheOutboxWouldBe) {
  TempDir dir;
  EXPECT_TRUE(InstanceLock::acquire(dir.path() + "/new/outbox.db").ok());
}

}  // namespace
}  // namespace sckd::testing

namespace sckd::testing {
namespace {

// `sckd status` asks without taking: running with the pid while held, not running before
// any daemon ran and after it let go, and its question never keeps a daemon out.
TEST(InstanceLock, AProbeSaysWhetherADaemonHoldsItWithoutTakingIt) {
  TempDir dir;
  const std::string outbox = dir.path() + "/outbox.db";
  using State = InstanceLock::Holder::State;
  EXPECT_EQ(InstanceLock::probe(outbox).state, State::NotRunning);
  std::optional<InstanceLock> held;
  {
    Result<InstanceLock> lock = InstanceLock::acquire(outbox);
    ASSERT_TRUE(lock.ok()) << lock.error().message;
    held = std::move(*lock);
  }
  InstanceLock::Holder holder = InstanceLock::probe(outbox);
  EXPECT_EQ(holder.state, State::Running);
  EXPECT_EQ(holder.pid, std::to_string(::getpid()));
  held.reset();
  EXPECT_EQ(InstanceLock::probe(outbox).state, State::NotRunning);
  EXPECT_TRUE(InstanceLock::acquire(outbox).ok()) << "the probe left nothing held";
}

}  // namespace
}  // namespace sckd::testing
