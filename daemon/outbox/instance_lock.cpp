#include "daemon/outbox/instance_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "daemon/outbox/outbox_file.h"

namespace sckd {
namespace {

// The pid the holder wrote, for the message; empty when it cannot be read.
std::string holderPid(int fd) {
  char buf[32] = {};
  const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  if (n <= 0) return {};
  std::string text(buf, static_cast<std::size_t>(n));
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) return {};
  return text;
}

}  // namespace

InstanceLock::Holder InstanceLock::probe(const std::string& outboxPath) {
  const std::string path = outboxPath + ".lock";
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!fd) {
    // No lock file: no daemon ever ran on this outbox, so none runs now.
    if (errno == ENOENT) return {Holder::State::NotRunning, {}};
    return {};
  }
  // A shared lock is refused while the daemon holds its exclusive one. Granted, it is
  // dropped at once with the descriptor: only a daemon starting in that very microsecond
  // would be refused (and started again by systemd).
  if (::flock(fd.get(), LOCK_SH | LOCK_NB) == 0) return {Holder::State::NotRunning, {}};
  if (errno == EWOULDBLOCK) return {Holder::State::Running, holderPid(fd.get())};
  return {};
}

Result<InstanceLock> InstanceLock::acquire(const std::string& outboxPath) {
  if (Status dir = outbox_file::checkDirectory(outboxPath); !dir.ok()) return dir.error();
  const std::string path = outboxPath + ".lock";
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644));
  if (!fd) {
    const int err = errno;
    return makeError(errorCodeFromErrno(err),
                     "cannot open the lock file " + path + ": " + std::strerror(err));
  }
  if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    if (err == EWOULDBLOCK) {
      const std::string pid = holderPid(fd.get());
      return makeError(ErrorCode::Busy,
                       "another sckd" + (pid.empty() ? std::string() : " (pid " + pid + ")") +
                           " is already running on the outbox " + outboxPath +
                           "; stop it first (systemctl stop sckd) or give this one another "
                           "outbox.path");
    }
    return makeError(errorCodeFromErrno(err), "cannot lock " + path + ": " + std::strerror(err));
  }
  // Ours now: record who holds it, for the message a second instance prints.
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd.get(), 0) != 0 ||
      ::pwrite(fd.get(), pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size())) {
    // The lock holds without the pid; only the second instance's message is poorer.
  }
  return InstanceLock(outboxPath, std::move(fd));
}

}  // namespace sckd
