#pragma once
// One thread, one epoll, two primitives: watch a file descriptor, arm a deadline. Every
// deadline lives in a min-heap; one timerfd is armed for the earliest. Signals arrive
// through a signalfd, so handlers run in the loop like everything else.

#include <sys/epoll.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <queue>
#include <vector>

#include "daemon/clock.h"
#include "daemon/result.h"

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
  void unwatch(int fd);  // safe to call from inside that fd's own handler

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

  int epollFd_ = -1;
  int timerFd_ = -1;
  int signalFd_ = -1;
  bool stopping_ = false;
  std::map<int, std::shared_ptr<FdHandler>> fds_;
  struct Timer {
    MonoTime deadline;
    TimerId id;
    bool operator>(const Timer& other) const {
      return deadline != other.deadline ? deadline > other.deadline : id > other.id;
    }
  };
  std::priority_queue<Timer, std::vector<Timer>, std::greater<>> timerHeap_;
  std::map<TimerId, std::function<void()>> timerCallbacks_;
  TimerId nextTimerId_ = 1;
  std::map<int, std::function<void()>> signalHandlers_;
};

}  // namespace sckd
