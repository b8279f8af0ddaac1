#include "daemon/base/off_loop_call.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>
#include <system_error>
#include <thread>

#include "daemon/base/unique_fd.h"

namespace sckd {

struct OffLoopCall::Pending {
  UniqueFd wake;  // written once by the thread when `work` has returned
  std::atomic<bool> finished{false};
};

Status OffLoopCall::start(std::function<void()> work, std::function<void()> done) {
  if (pending_) return makeError(ErrorCode::Internal, "a blocking call is already running");
  auto pending = std::make_shared<Pending>();
  pending->wake = UniqueFd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!pending->wake) {
    return makeError(errorCodeFromErrno(errno),
                     std::string("cannot create an eventfd: ") + std::strerror(errno));
  }
  const int fd = pending->wake.get();
  if (Status watched = loop_.watch(fd, true, false, [this](std::uint32_t) { finish(); });
      !watched.ok()) {
    return watched;
  }
  try {
    // Detached: a call nobody waits for any more (cancelled) must not block its owner.
    std::thread([pending, work = std::move(work)] {
      work();
      pending->finished.store(true, std::memory_order_release);
      const std::uint64_t one = 1;
      [[maybe_unused]] ssize_t n = ::write(pending->wake.get(), &one, sizeof one);
    }).detach();
  } catch (const std::system_error& e) {
    loop_.unwatch(fd);
    return makeError(ErrorCode::Internal, std::string("cannot start a thread: ") + e.what());
  }
  pending_ = std::move(pending);
  done_ = std::move(done);
  return {};
}

void OffLoopCall::cancel() {
  if (!pending_) return;
  loop_.unwatch(pending_->wake.get());
  pending_.reset();  // the thread holds the last reference until it is done
  done_ = nullptr;
}

void OffLoopCall::finish() {
  if (!pending_ || !pending_->finished.load(std::memory_order_acquire)) return;
  loop_.unwatch(pending_->wake.get());
  pending_.reset();
  std::function<void()> done = std::move(done_);
  done_ = nullptr;
  if (done) done();
}

}  // namespace sckd
