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
