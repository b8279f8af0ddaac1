// A full disk never stops the daemon: it says so, keeps what it has, holds new readings in
// memory, and stores (and delivers) them when space returns. Uses a real, tiny tmpfs.

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mount.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "tests/integration/rig.h"

namespace sckd::testing {
namespace {

const std::vector<int> kIds{121, 122, 123};

class DiskFull : public IntegrationTest {
 protected:
  void TearDown() override {
    if (mounted_) umount2(mountPoint_.c_str(), MNT_DETACH);
    IntegrationTest::TearDown();
  }
  std::string mountPoint_;
  bool mounted_ = false;
};

// Writes zeros until the file system refuses.
void fill(const std::string& path) {
  std::ofstream out(path, std::ios::binary);
  std::vector<char> block(4096, 0);
  while (out.write(block.data(), static_cast<std::streamsize>(block.size()))) out.flush();
}

TEST_F(DiskFull, ReadingsTakenWhileTheDiskIsFullAreStoredAndSentWhenSpaceReturns) {
  mountPoint_ = dir_.file("small");
  std::filesystem::create_directory(mountPoint_);
  if (mount("tmpfs", mountPoint_.c_str(), "tmpfs", 0, "size=2m") != 0) {
    GTEST_SKIP() << "cannot mount a tmpfs here (" << std::strerror(errno) << "); needs root";
  }
  mounted_ = true;

  ASSERT_NO_FATAL_FAILURE(startBroker());
  auto proxy = TcpProxy::start(broker_->port());
  ASSERT_NE(proxy, nullptr);
  proxy->pause();  // readings must wait in the outbox
  config_.port = proxy->port();
  config_.outboxPath = mountPoint_ + "/outbox.db";
  for (int id : kIds) config_.sensors.push_back({.id = id, .name = "s" + std::to_string(id)});
  ASSERT_NO_FATAL_FAILURE(writeConfig());

  auto sckd = startSckd();
  ASSERT_NE(sckd, nullptr);
  sleepFor(2500ms);
  const std::int64_t first = unixNow() - 1;  // a reading stored before the disk filled
  fill(mountPoint_ + "/filler");
  sleepFor(4000ms);
  ASSERT_TRUE(sckd->running()) << "a full disk must not stop the daemon:\n" << sckd->log();
  EXPECT_NE(sckd->log().find("OUTBOX_WRITE_FAILED"), std::string::npos) << sckd->log();
  EXPECT_NE(sckd->log().find("disk full"), std::string::npos) << sckd->log();

  std::filesystem::remove(mountPoint_ + "/filler");
  sleepFor(2000ms);
  const std::int64_t last = unixNow() - 1;
  EXPECT_NE(sckd->log().find("OUTBOX_WRITE_RECOVERED"), std::string::npos) << sckd->log();
  ASSERT_TRUE(proxy->resume());
  const bool complete = waitForSeconds(kIds, first, last, 30s);
  EXPECT_TRUE(complete) << describeMissing(kIds, first, last);
  sckd->kill(SIGTERM);
  ASSERT_TRUE(sckd->waitExit(5s).has_value());
}

}  // namespace
}  // namespace sckd::testing
