#pragma once
// One daemon per outbox. `sckd run` holds an flock on "<outbox>.lock" for as long as it
// runs, with its pid written inside; a second `sckd run` on the same outbox (a user's
// `sudo sckd run` beside the service) is refused before it touches the outbox. The kernel
// drops an flock when its process dies, however it dies, so a lock left by kill -9 or a
// power cut never blocks a restart. `sckd check` and `sckd status` take no lock.

#include <string>

#include "daemon/base/result.h"
#include "daemon/base/unique_fd.h"

namespace sckd {

class InstanceLock {
 public:
  // Takes the lock for the outbox at `outboxPath` (making its directory if need be).
  // Held by a live process: an ErrorCode::Busy error naming that process's pid and the
  // outbox. Nothing else is created or changed then.
  static Result<InstanceLock> acquire(const std::string& outboxPath);

  // Whether a daemon holds the outbox now, without taking or changing anything (for
  // `sckd status`): Unknown when the lock file cannot be opened (a user outside the
  // daemon's group), and the caller must judge by other means.
  struct Holder {
    enum class State { NotRunning, Running, Unknown } state = State::Unknown;
    std::string pid;  // when Running and the holder wrote it
  };
  static Holder probe(const std::string& outboxPath);

  InstanceLock(InstanceLock&&) = default;
  InstanceLock& operator=(InstanceLock&&) = default;
  const std::string& outboxPath() const { return outboxPath_; }

 private:
  InstanceLock(std::string outboxPath, UniqueFd fd)
      : outboxPath_(std::move(outboxPath)), fd_(std::move(fd)) {}

  std::string outboxPath_;
  UniqueFd fd_;  // the lock lives exactly as long as this descriptor
};

}  // namespace sckd
