// The runtime state file: its name, its atomic replacement, its mode, and that it goes
// with the daemon.
#include "daemon/runtime_state_file.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>

#include "daemon/base/file.h"

namespace sckd {
namespace {

class RuntimeStateFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/sckd-runtime-XXXXXX";
    dir_ = mkdtemp(tmpl);
    ::setenv("SCKD_RUNTIME_DIR", dir_.c_str(), 1);
  }
  void TearDown() override {
    ::unsetenv("SCKD_RUNTIME_DIR");
    std::filesystem::remove_all(dir_);
  }
  std::string dir_;
};

TEST(RuntimeStateFileName, SaysWhichOutboxItIsAbout) {
  EXPECT_EQ(runtimeStateFileName("/var/lib/sckd/outbox.db"), "var-lib-sckd-outbox.db.json");
  EXPECT_EQ(runtimeStateFileName("/tmp//x/o.db"), "tmp-x-o.db.json");
  const std::string deep = "/" + std::string(300, 'a') + "/outbox.db";
  EXPECT_LE(runtimeStateFileName(deep).size(), 255u);
  EXPECT_NE(runtimeStateFileName(deep).find("outbox.db.json"), std::string::npos);
}

TEST_F(RuntimeStateFileTest, IsWrittenWholeGroupReadableAndRemovedWithItsOwner) {
  std::string path;
  {
    Result<RuntimeStateFile> file = RuntimeStateFile::create("/var/lib/sckd/outbox.db");
    ASSERT_TRUE(file.ok()) << file.error().message;
    path = file->path();
    EXPECT_EQ(path, dir_ + "/var-lib-sckd-outbox.db.json");
    const mode_t previous = ::umask(0077);  // as strict as a unit's UMask may be
    ASSERT_TRUE(file->write("{\"first\":1}").ok());
    ASSERT_TRUE(file->write("{\"second\":2}").ok());
    ::umask(previous);
    struct stat st = {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0640u) << "a user in the daemon's group reads it";
    Result<RuntimeStateText> read = readRuntimeState("/var/lib/sckd/outbox.db");
    ASSERT_TRUE(read.ok()) << read.error().message;
    EXPECT_EQ(read->text, "{\"second\":2}");
    EXPECT_EQ(read->path, path);
    EXPECT_FALSE(std::filesystem::exists(path + ".new"));
  }
  EXPECT_FALSE(std::filesystem::exists(path)) << "a stopped daemon leaves no state behind";
  EXPECT_EQ(readRuntimeState("/var/lib/sckd/outbox.db").error().code, ErrorCode::Absent);
}

TEST_F(RuntimeStateFileTest, AnUnwritableDirectoryIsAClearError) {
  ::setenv("SCKD_RUNTIME_DIR", (dir_ + "/missing").c_str(), 1);
  Result<RuntimeStateFile> file = RuntimeStateFile::create("/o.db");
  ASSERT_FALSE(file.ok());
  EXPECT_NE(file.error().message.find(dir_ + "/missing"), std::string::npos)
      << file.error().message;
  EXPECT_NE(file.error().message.find("outbox only"), std::string::npos) << file.error().message;
}

}  // namespace
}  // namespace sckd
