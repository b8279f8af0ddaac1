// Bounded whole-file reads and the fd owner they use.
#include "daemon/base/file.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "daemon/base/unique_fd.h"
#include "tests/support/temp_dir.h"

namespace sckd::testing {
namespace {

std::string writeFile(const TempDir& dir, const std::string& name, std::size_t bytes) {
  const std::string path = dir.path() + "/" + name;
  std::ofstream(path) << std::string(bytes, 'x');
  return path;
}

TEST(ReadFileBounded, ReadsAWholeFileUpToTheLimit) {
  TempDir dir;
  Result<std::string> text = readFileBounded(writeFile(dir, "ok", 20000), 20000);
  ASSERT_TRUE(text.ok()) << text.error().message;
  EXPECT_EQ(text->size(), 20000u);
}

TEST(ReadFileBounded, AFileOverTheLimitIsOneErrorNamingItsSize) {
  TempDir dir;
  const std::string path = writeFile(dir, "big", 5 * 1024 * 1024);
  Result<std::string> text = readFileBounded(path, 1'000'000);
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.error().code, ErrorCode::Invalid);
  EXPECT_NE(text.error().message.find("5.2 MB"), std::string::npos) << text.error().message;
  EXPECT_NE(text.error().message.find("the 1 MB"), std::string::npos) << text.error().message;
  EXPECT_EQ(text.error().message.find('\n'), std::string::npos);
}

TEST(ReadFileBounded, AMissingFileCarriesTheErrnoCode) {
  Result<std::string> text = readFileBounded("/nonexistent/sckd/file", 100);
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.error().code, ErrorCode::Absent);
}

TEST(UniqueFd, ClosesOnceAndMovesOwnership) {
  int raw = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  ASSERT_GE(raw, 0);
  {
    UniqueFd a(raw);
    UniqueFd b(std::move(a));
    EXPECT_FALSE(a.valid());
    EXPECT_EQ(b.get(), raw);
    EXPECT_NE(::fcntl(raw, F_GETFD), -1);  // still open
  }
  EXPECT_EQ(::fcntl(raw, F_GETFD), -1);  // closed by the owner that held it last
  UniqueFd c(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  const int released = c.release();
  EXPECT_FALSE(c.valid());
  EXPECT_NE(::fcntl(released, F_GETFD), -1);
  UniqueFd(released).reset();
  EXPECT_EQ(::fcntl(released, F_GETFD), -1);
}

}  // namespace
}  // namespace sckd::testing
