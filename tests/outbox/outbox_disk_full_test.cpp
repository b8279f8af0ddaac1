// A full disk, for real: a small tmpfs filled to the last byte, and (where mounting is not
// allowed) a file size limit in a child process. A commit must fail with a clear message,
// every row stored before must still be readable, and storing must resume with space.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <functional>

#include "daemon/outbox/outbox.h"
#include "tests/outbox/outbox_test_util.h"

namespace sckd::testing {
namespace {

std::vector<NewReading> bigTick(std::int64_t at) {
  auto tick = makeTick(at, 200);
  for (auto& r : tick) r.value += "00000000000000000000000000000001";  // still a JSON number
  return tick;
}

// Returns "" when the outbox behaved, otherwise what went wrong.
std::string diskFullScenario(const std::string& path, const std::function<bool()>& fill,
                             const std::function<void()>& release) {
  auto opened = Outbox::open(path, 256u << 20);
  if (!opened) return "open: " + opened.error().message;
  Outbox& outbox = **opened;
  std::vector<NewReading> stored;
  for (int t = 0; t < 20; ++t) {
    const auto tick = makeTick(t, 50);
    if (auto ok = outbox.commit(tick); !ok) return "commit before full: " + ok.error().message;
    stored.insert(stored.end(), tick.begin(), tick.end());
  }
  if (!fill()) return "could not fill the disk";
  std::vector<NewReading> failedTick;
  std::string message;
  ErrorCode code = ErrorCode::Internal;
  for (int t = 100; t < 5000 && message.empty(); ++t) {
    const auto tick = bigTick(t);
    if (auto ok = outbox.commit(tick); ok) {
      stored.insert(stored.end(), tick.begin(), tick.end());
    } else {
      message = ok.error().message;
      code = ok.error().code;
      failedTick = tick;
    }
  }
  if (message.empty()) return "the disk never filled up";
  std::fprintf(stderr, "commit failed as expected: %s\n", message.c_str());
  // A full disk is Full; RLIMIT_FSIZE surfaces from SQLite as an I/O error.
  const bool clear = code == ErrorCode::Full || code == ErrorCode::Io;
  if (!clear || message.find(path) == std::string::npos ||
      message.find("kept in memory") == std::string::npos) {
    return "unclear message: " + message;
  }
  auto check = [&](const char* when) -> std::string {
    auto rows = outbox.fetchAfter(0, 1'000'000);
    if (!rows) return std::string(when) + ": fetch failed: " + rows.error().message;
    if (rows->size() != stored.size() || outbox.queuedCount() != stored.size()) {
      return std::string(when) + ": " + std::to_string(rows->size()) + " rows, expected " +
             std::to_string(stored.size());
    }
    for (std::size_t i = 0; i < stored.size(); ++i) {
      if ((*rows)[i].value != stored[i].value || (*rows)[i].recordedAt != stored[i].recordedAt) {
        return std::string(when) + ": row " + std::to_string(i) + " differs";
      }
    }
    return "";
  };
  if (auto bad = check("while full"); !bad.empty()) return bad;
  if (outbox.commit(failedTick).ok()) return "a retry succeeded while the disk was still full";
  release();
  if (auto ok = outbox.commit(failedTick); !ok)
    return "retry after space returned: " + ok.error().message;
  stored.insert(stored.end(), failedTick.begin(), failedTick.end());
  if (auto bad = check("after space returned"); !bad.empty()) return bad;
  // And from disk, not just from this connection's cache.
  opened->reset();
  auto again = Outbox::open(path, 256u << 20);
  if (!again) return "reopen: " + again.error().message;
  if ((*again)->queuedCount() != stored.size()) return "reopen lost rows";
  return "";
}

bool fillWithFile(const std::string& filler) {
  const int fd = ::open(filler.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) return false;
  std::string chunk(4096, 'x');
  while (::write(fd, chunk.data(), chunk.size()) > 0) {
  }
  const bool full = errno == ENOSPC;
  ::close(fd);
  return full;
}

class TmpfsMount {
 public:
  TmpfsMount(const std::string& where, const char* options) : where_(where) {
    ::mkdir(where.c_str(), 0700);
    mounted_ = ::mount("tmpfs", where.c_str(), "tmpfs", 0, options) == 0;
    if (!mounted_) why_ = std::strerror(errno);
  }
  ~TmpfsMount() {
    if (mounted_) ::umount2(where_.c_str(), MNT_DETACH);
  }
  TmpfsMount(const TmpfsMount&) = delete;
  TmpfsMount& operator=(const TmpfsMount&) = delete;
  bool mounted() const { return mounted_; }
  const std::string& why() const { return why_; }

 private:
  std::string where_;
  bool mounted_ = false;
  std::string why_;
};

TEST(OutboxDiskFull, FullTmpfsFailsTheCommitKeepsTheRowsAndRecovers) {
  TempDir dir;
  TmpfsMount mnt(dir.file("mnt"), "size=2m");
  if (!mnt.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here (" << mnt.why() << ")";
  const std::string filler = dir.file("mnt/filler");
  const std::string failure = diskFullScenario(
      dir.file("mnt/outbox.db"), [&] { return fillWithFile(filler); },
      [&] { ::unlink(filler.c_str()); });
  EXPECT_EQ(failure, "");
}

// RLIMIT_FSIZE stands in for a full disk without needing mount(); it runs in a child so
// the limit never reaches the test runner.
TEST(OutboxDiskFull, FileSizeLimitFailsTheCommitKeepsTheRowsAndRecovers) {
  TempDir dir;
  const std::string path = dir.file("outbox.db");
  int pipeFd[2];
  ASSERT_EQ(::pipe(pipeFd), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    std::signal(SIGXFSZ, SIG_IGN);  // a write past the limit fails with EFBIG instead
    rlimit original = {};
    ::getrlimit(RLIMIT_FSIZE, &original);
    const std::string failure = diskFullScenario(
        path,
        [&] {
          struct stat st = {};
          if (::stat((path + "-wal").c_str(), &st) != 0) return false;
          rlimit tight = original;
          tight.rlim_cur = static_cast<rlim_t>(st.st_size);
          return ::setrlimit(RLIMIT_FSIZE, &tight) == 0;
        },
        [&] { ::setrlimit(RLIMIT_FSIZE, &original); });
    const ssize_t n = ::write(pipeFd[1], failure.data(), failure.size());
    ::_exit(n == static_cast<ssize_t>(failure.size()) ? 0 : 1);
  }
  ::close(pipeFd[1]);
  std::string failure;
  char buf[512];
  for (ssize_t n; (n = ::read(pipeFd[0], buf, sizeof buf)) > 0;) failure.append(buf, n);
  ::close(pipeFd[0]);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  EXPECT_EQ(failure, "");
}

}  // namespace
}  // namespace sckd::testing
