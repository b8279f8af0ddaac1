#include "daemon/base/log.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <string>

namespace sckd {
namespace {

// Captures what log::write sends to stderr.
class StderrCapture {
 public:
  StderrCapture() {
    std::fflush(stderr);
    saved_ = dup(STDERR_FILENO);
    file_ = std::tmpfile();
    dup2(fileno(file_), STDERR_FILENO);
  }
  std::string text() {
    std::fflush(stderr);
    dup2(saved_, STDERR_FILENO);
    close(saved_);
    std::rewind(file_);
    std::string out;
    char buf[512];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, file_)) > 0) out.append(buf, n);
    std::fclose(file_);
    return out;
  }

 private:
  int saved_ = -1;
  std::FILE* file_ = nullptr;
};

TEST(Log, MasksTheTokenEverywhereInTheLine) {
  log::setSecret("zx81ab");
  StderrCapture capture;
  log::warning(log::Category::Mqtt, "publish to device/sck/zx81ab/readings failed for zx81ab");
  std::string out = capture.text();
  log::setSecret("");
  EXPECT_EQ(out.find("zx81ab"), std::string::npos) << out;
  EXPECT_NE(out.find("device/sck/zx****/readings"), std::string::npos) << out;
}

TEST(Log, OneEventIsOneLine) {
  StderrCapture capture;
  log::error(log::Category::Config, "first\nsecond");
  std::string out = capture.text();
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1) << out;
  EXPECT_NE(out.find("config: error: first second"), std::string::npos) << out;
}

TEST(Log, LevelFiltersLessImportantLines) {
  log::setLevel(log::Level::Notice);
  StderrCapture capture;
  log::info(log::Category::Loop, "hidden");
  log::notice(log::Category::Loop, "shown");
  std::string out = capture.text();
  log::setLevel(log::Level::Info);
  EXPECT_EQ(out.find("hidden"), std::string::npos);
  EXPECT_NE(out.find("shown"), std::string::npos);
}

TEST(RateLimiter, LetsTheFirstThroughThenOnePerIntervalAndCountsTheRest) {
  log::RateLimiter limiter(std::chrono::seconds(60));
  MonoTime t0{std::chrono::hours(5)};
  std::uint64_t suppressed = 99;
  EXPECT_TRUE(limiter.allow(t0, &suppressed));
  EXPECT_EQ(suppressed, 0u);
  EXPECT_FALSE(limiter.allow(t0 + std::chrono::seconds(1), &suppressed));
  EXPECT_FALSE(limiter.allow(t0 + std::chrono::seconds(59), &suppressed));
  EXPECT_TRUE(limiter.allow(t0 + std::chrono::seconds(60), &suppressed));
  EXPECT_EQ(suppressed, 2u);  // never silent: the next line says how many were held back
}

TEST(RateLimiter, ANewReasonIsForcedThroughAndCountsOnlyWhatWasHeldBack) {
  log::RateLimiter limiter(std::chrono::seconds(60));
  MonoTime t0{std::chrono::hours(5)};
  std::uint64_t suppressed = 99;
  EXPECT_TRUE(limiter.allow(t0, &suppressed));
  EXPECT_FALSE(limiter.allow(t0 + std::chrono::seconds(1), &suppressed));
  limiter.force(t0 + std::chrono::seconds(2), &suppressed);
  EXPECT_EQ(suppressed, 1u);  // the forced line itself is not counted as held back
  // The interval starts again at the forced line.
  EXPECT_FALSE(limiter.allow(t0 + std::chrono::seconds(61), &suppressed));
  EXPECT_TRUE(limiter.allow(t0 + std::chrono::seconds(62), &suppressed));
  EXPECT_EQ(suppressed, 1u);
}

}  // namespace
}  // namespace sckd
