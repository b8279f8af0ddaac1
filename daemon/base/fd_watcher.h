#pragma once
// Asking the loop to watch a file descriptor, separated from the event loop like Timers, so
// a driver driven by a device's fd (GPIO edge events, UART frames) runs in unit tests with
// tests/fakes/fake_fd_watcher.h, which makes an fd "readable" on demand.

#include <functional>

#include "daemon/base/event_loop.h"
#include "daemon/base/result.h"

namespace sckd {

class FdWatcher {
 public:
  virtual ~FdWatcher() = default;
  // Calls `onReadable` from the loop each time `fd` has data (or an error or hang-up to
  // read). One handler per fd; the owner of the fd calls unwatch() before closing it.
  virtual Status watchReadable(int fd, std::function<void()> onReadable) = 0;
  virtual void unwatch(int fd) = 0;  // no-op for an fd not watched
};

// The real thing: the daemon's EventLoop.
class LoopFdWatcher final : public FdWatcher {
 public:
  explicit LoopFdWatcher(EventLoop& loop) : loop_(loop) {}
  Status watchReadable(int fd, std::function<void()> onReadable) override {
    return loop_.watch(fd, true, false,
                       [handler = std::move(onReadable)](std::uint32_t) { handler(); });
  }
  void unwatch(int fd) override { loop_.unwatch(fd); }

 private:
  EventLoop& loop_;
};

// For a context with no loop running (`sckd check` takes one reading and exits): a driver
// that needs its fd watched there gets a clear error instead of waiting forever.
class NoFdWatcher final : public FdWatcher {
 public:
  Status watchReadable(int, std::function<void()>) override {
    return makeError(ErrorCode::Unsupported, "needs the daemon's event loop (sckd run)");
  }
  void unwatch(int) override {}
};

// The one watcher of that kind, for contexts built without a loop.
inline FdWatcher& noFdWatcher() {
  static NoFdWatcher none;
  return none;
}

}  // namespace sckd
