// LD_PRELOAD into the real sckd for the power-cut test. Just before every fsync() or
// fdatasync() of the outbox's WAL, it copies the outbox as a power cut at that instant
// could leave it, into $SCKD_TEST_SNAPSHOT_DIR/NNNN/:
//   full/  the database and the whole WAL as written so far (the writes of the commit
//          being synced all reached the card);
//   torn/  the database and the WAL cut at a random byte between its size at the last
//          sync and now (only part of them did).
// A commit is durable once its fsync returns, so every tick in snapshot N-1's full copy
// must be whole in snapshot N's torn one.

#include <dlfcn.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>

namespace {

std::string pathOf(int fd) {
  char link[64];
  std::snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  char target[4096];
  const ssize_t n = ::readlink(link, target, sizeof target - 1);
  return n > 0 ? std::string(target, static_cast<std::size_t>(n)) : std::string();
}

bool copyFile(const std::string& from, const std::string& to, long limit) {
  std::FILE* in = std::fopen(from.c_str(), "rb");
  if (in == nullptr) return false;
  std::FILE* out = std::fopen(to.c_str(), "wb");
  if (out == nullptr) {
    std::fclose(in);
    return false;
  }
  char buf[65536];
  long left = limit;
  std::size_t n;
  while ((limit < 0 || left > 0) && (n = std::fread(buf, 1, sizeof buf, in)) > 0) {
    if (limit >= 0 && static_cast<long>(n) > left) n = static_cast<std::size_t>(left);
    std::fwrite(buf, 1, n, out);
    left -= static_cast<long>(n);
  }
  std::fclose(in);
  std::fclose(out);
  return true;
}

long fileSize(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<long>(st.st_size) : 0;
}

void snapshotBeforeSync(int fd) {
  const char* dir = std::getenv("SCKD_TEST_SNAPSHOT_DIR");
  if (dir == nullptr) return;
  const std::string wal = pathOf(fd);
  if (wal.size() < 4 || wal.compare(wal.size() - 4, 4, "-wal") != 0) return;
  const std::string db = wal.substr(0, wal.size() - 4);
  static int count = 0;
  static long syncedSize = 0;
  static std::mt19937 rng(12345);
  const long size = fileSize(wal);
  const long from = size >= syncedSize ? syncedSize : 0;  // a reset WAL starts again at 0
  const long cut = from + static_cast<long>(rng() % static_cast<unsigned>(size - from + 1));
  char name[32];
  std::snprintf(name, sizeof name, "/%04d", count++);
  const std::string base = std::string(dir) + name;
  ::mkdir(base.c_str(), 0755);
  for (const char* kind : {"/full", "/torn"}) {
    const std::string to = base + kind;
    ::mkdir(to.c_str(), 0755);
    copyFile(db, to + "/outbox.db", -1);
    copyFile(wal, to + "/outbox.db-wal", std::strcmp(kind, "/full") == 0 ? -1 : cut);
  }
  syncedSize = size;
}

template <typename Fn>
Fn next(const char* name) {
  return reinterpret_cast<Fn>(::dlsym(RTLD_NEXT, name));
}

}  // namespace

extern "C" {

int fsync(int fd) {
  static const auto real = next<int (*)(int)>("fsync");
  snapshotBeforeSync(fd);
  return real(fd);
}

int fdatasync(int fd) {
  static const auto real = next<int (*)(int)>("fdatasync");
  snapshotBeforeSync(fd);
  return real(fd);
}

}  // extern "C"
