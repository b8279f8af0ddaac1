// LD_PRELOAD into the real sckd, so an integration test decides what the kernel says about
// the clock: adjtimex() reports synchronised only while the file named by
// SCKD_TEST_SYNCED_WHEN exists, and /proc/sys/kernel/random/boot_id reads as the file named
// by SCKD_TEST_BOOT_ID_FILE (a "reboot" is the test writing a new id). Everything else
// passes through to libc.

// Both open() and open64() are defined below: neither may be renamed to the other.
#undef _FILE_OFFSET_BITS

#include <dlfcn.h>
#include <fcntl.h>
#include <sys/timex.h>
#include <unistd.h>

#include <cstdarg>
#include <cstdlib>
#include <cstring>

namespace {

template <typename Fn>
Fn next(const char* name) {
  return reinterpret_cast<Fn>(::dlsym(RTLD_NEXT, name));
}

const char* redirect(const char* path) {
  const char* bootIdFile = std::getenv("SCKD_TEST_BOOT_ID_FILE");
  if (bootIdFile != nullptr && path != nullptr &&
      std::strcmp(path, "/proc/sys/kernel/random/boot_id") == 0) {
    return bootIdFile;
  }
  return path;
}

mode_t modeArg(int flags, va_list args) {
  return (flags & (O_CREAT | O_TMPFILE)) != 0 ? static_cast<mode_t>(va_arg(args, int)) : 0;
}

}  // namespace

extern "C" {

int adjtimex(struct timex* buf) {
  static const auto real = next<int (*)(struct timex*)>("adjtimex");
  const int state = real(buf);
  const char* flag = std::getenv("SCKD_TEST_SYNCED_WHEN");
  if (flag == nullptr || state == -1) return state;
  if (::access(flag, F_OK) == 0) {
    buf->status &= ~STA_UNSYNC;
    return TIME_OK;
  }
  buf->status |= STA_UNSYNC;
  return TIME_ERROR;
}

int open(const char* path, int flags, ...) {
  static const auto real = next<int (*)(const char*, int, ...)>("open");
  va_list args;
  va_start(args, flags);
  const mode_t mode = modeArg(flags, args);
  va_end(args);
  return real(redirect(path), flags, mode);
}

int open64(const char* path, int flags, ...) {
  static const auto real = next<int (*)(const char*, int, ...)>("open64");
  va_list args;
  va_start(args, flags);
  const mode_t mode = modeArg(flags, args);
  va_end(args);
  return real(redirect(path), flags, mode);
}

}  // extern "C"
