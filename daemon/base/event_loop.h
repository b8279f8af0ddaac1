#pragma once
// One thread, one epoll, two primitives: watch a file descriptor, arm a deadline. Every
// deadline lives in a min-heap; one timerfd is armed for the earliest. Signals arrive
// through a signalfd, so handlers run in the loop like everything else.

#include <sys/epoll.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <vector>

#include "daemon/base/clock.h"
#include "daemon/base/result.h"
#include "daemon/base/unique_fd.h"

namespace sckd {

class EventLoop {
 public:
  using TimerId = std::uint64_t;
  using FdHandler = std::function<void(std::uint32_t epollEvents)>;

  // Blocks `signals` for the whole process (call before starting any thread) and routes
  // them to onSignal() handlers.
  static Result<std::unique_ptr<EventLoop>> create(std::vector<int> signals);
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  Status watch(int fd, bool readable, bool writable, FdHandler handler);
  Status modify(int fd, bool readable, bool writable);
  // Safe to call from inside any handler, that fd's own included. Call it before closing
  // the fd: a closed fd whose file is still open elsewhere (dup, fork) stays in epoll.
  void unwatch(int fd);

  // Runs `callback` once, at or after `deadline` (CLOCK_MONOTONIC, as MonoClock).
  TimerId addTimer(MonoTime deadline, std::function<void()> callback);
  void cancelTimer(TimerId id);  // no-op for a timer that already ran or was cancelled

  void onSignal(int signo, std::function<void()> handler);

  // Dispatches events until stop(); fails only if epoll itself fails.
  Status run();
  void stop();

 private:
  EventLoop() = default;
  void rearmTimerFd();
  void runDueTimers();
  void drainSignals();
  void dispatchFd(int fd, std::uint32_t events);
  void compactTimerHeap();

  // Declared first, destroyed last: closed after everything that refers to them.
  UniqueFd epollFd_;
  UniqueFd timerFd_;
  UniqueFd signalFd_;
  bool stopping_ = false;
  std::map<int, std::shared_ptr<FdHandler>> fds_;
  // Fds unwatched while the current epoll batch is dispatched: their remaining events in
  // the batch are stale (the number may even be reused by a new watch already).
  std::set<int> unwatchedInBatch_;
  struct Timer {
    MonoTime deadline;
    TimerId id;
    bool operator>(const Timer& other) const {
      return deadline != other.deadline ? deadline > other.deadline : id > other.id;
    }
  };
  // A min-heap (std::push_heap with std::greater) rather than a priority_queue, so that
  // cancelled entries can be purged when they pile up.
  std::vector<Timer> timerHeap_;
  std::map<TimerId, std::function<void()>> timerCallbacks_;  // absent: ran or cancelled
  TimerId nextTimerId_ = 1;
  std::optional<MonoTime> armedDeadline_;  // what the timerfd is armed for, if anything
  std::map<int, std::function<void()>> signalHandlers_;
};

}  // namespace sckd
