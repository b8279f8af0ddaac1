#include "daemon/base/event_loop.h"

#include <signal.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <string>

namespace sckd {

namespace {

Error sysError(std::string_view what) {
  return makeError(errorCodeFromErrno(errno), std::string(what) + ": " + std::strerror(errno));
}

std::uint32_t epollMask(bool readable, bool writable) {
  return (readable ? EPOLLIN : 0u) | (writable ? EPOLLOUT : 0u);
}

// Cancelled timers stay in the heap until they reach the top; past this many stale entries
// (beyond the live ones) the heap is rebuilt, so cancel-and-re-add patterns cannot grow it.
constexpr std::size_t kStaleTimerSlack = 64;

}  // namespace

Result<std::unique_ptr<EventLoop>> EventLoop::create(std::vector<int> signals) {
  sigset_t mask;
  sigemptyset(&mask);
  for (int signo : signals) {
    if (sigaddset(&mask, signo) != 0) return sysError("signal " + std::to_string(signo));
  }
  // Blocked first, so a signal arriving before the loop runs waits in the signalfd instead
  // of killing the process with its default action.
  if (int rc = pthread_sigmask(SIG_BLOCK, &mask, nullptr); rc != 0) {
    errno = rc;
    return sysError("pthread_sigmask");
  }

  // The destructor closes whatever was opened if a later step fails.
  std::unique_ptr<EventLoop> loop(new EventLoop());
  loop->epollFd_.reset(epoll_create1(EPOLL_CLOEXEC));
  if (!loop->epollFd_) return sysError("epoll_create1");
  loop->timerFd_.reset(timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC));
  if (!loop->timerFd_) return sysError("timerfd_create");
  loop->signalFd_.reset(signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC));
  if (!loop->signalFd_) return sysError("signalfd");

  for (int fd : {loop->timerFd_.get(), loop->signalFd_.get()}) {
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.fd = fd;
    if (epoll_ctl(loop->epollFd_.get(), EPOLL_CTL_ADD, fd, &event) != 0) {
      return sysError("epoll_ctl add");
    }
  }
  return loop;
}

EventLoop::~EventLoop() = default;

Status EventLoop::watch(int fd, bool readable, bool writable, FdHandler handler) {
  if (fds_.count(fd) != 0)
    return makeError(ErrorCode::Internal, "fd " + std::to_string(fd) + " is already watched");
  epoll_event event{};
  event.events = epollMask(readable, writable);
  event.data.fd = fd;
  if (epoll_ctl(epollFd_.get(), EPOLL_CTL_ADD, fd, &event) != 0) return sysError("epoll_ctl add");
  fds_[fd] = std::make_shared<FdHandler>(std::move(handler));
  return {};
}

Status EventLoop::modify(int fd, bool readable, bool writable) {
  if (fds_.count(fd) == 0)
    return makeError(ErrorCode::Internal, "fd " + std::to_string(fd) + " is not watched");
  epoll_event event{};
  event.events = epollMask(readable, writable);
  event.data.fd = fd;
  if (epoll_ctl(epollFd_.get(), EPOLL_CTL_MOD, fd, &event) != 0) return sysError("epoll_ctl mod");
  return {};
}

void EventLoop::unwatch(int fd) {
  auto it = fds_.find(fd);
  if (it == fds_.end()) return;
  // Fails harmlessly (EBADF) when the caller closed the fd first: the kernel already
  // dropped it from the epoll set then.
  epoll_ctl(epollFd_.get(), EPOLL_CTL_DEL, fd, nullptr);
  // Erasing drops only the map's reference; a running handler holds its own copy.
  fds_.erase(it);
  unwatchedInBatch_.insert(fd);
}

EventLoop::TimerId EventLoop::addTimer(MonoTime deadline, std::function<void()> callback) {
  TimerId id = nextTimerId_++;
  timerCallbacks_.emplace(id, std::move(callback));
  timerHeap_.push_back(Timer{deadline, id});
  std::push_heap(timerHeap_.begin(), timerHeap_.end(), std::greater<>());
  return id;
}

void EventLoop::cancelTimer(TimerId id) {
  if (timerCallbacks_.erase(id) == 0) return;
  if (timerHeap_.size() > 2 * timerCallbacks_.size() + kStaleTimerSlack) compactTimerHeap();
}

void EventLoop::compactTimerHeap() {
  std::erase_if(timerHeap_, [this](const Timer& t) { return timerCallbacks_.count(t.id) == 0; });
  std::make_heap(timerHeap_.begin(), timerHeap_.end(), std::greater<>());
}

void EventLoop::onSignal(int signo, std::function<void()> handler) {
  signalHandlers_[signo] = std::move(handler);
}

void EventLoop::stop() {
  stopping_ = true;
}

Status EventLoop::run() {
  std::array<epoll_event, 64> events{};
  Status result;
  while (!stopping_) {
    rearmTimerFd();
    int n = epoll_wait(epollFd_.get(), events.data(), static_cast<int>(events.size()), -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      result = sysError("epoll_wait");
      break;
    }
    unwatchedInBatch_.clear();
    for (int i = 0; i < n && !stopping_; ++i) {
      int fd = events[i].data.fd;
      if (fd == timerFd_.get()) {
        std::uint64_t expirations = 0;
        // Nonblocking: EAGAIN just means it was already drained; the timerfd is one-shot.
        while (::read(timerFd_.get(), &expirations, sizeof expirations) < 0 && errno == EINTR) {
        }
        armedDeadline_.reset();
        runDueTimers();
      } else if (fd == signalFd_.get()) {
        drainSignals();
      } else {
        dispatchFd(fd, events[i].events);
      }
    }
  }
  // A later run() starts afresh; a stop() before run() still makes that run() return.
  stopping_ = false;
  return result;
}

void EventLoop::dispatchFd(int fd, std::uint32_t events) {
  if (unwatchedInBatch_.count(fd) != 0) return;
  auto it = fds_.find(fd);
  if (it == fds_.end()) return;
  std::shared_ptr<FdHandler> handler = it->second;  // keeps it alive if it unwatches itself
  (*handler)(events);
}

void EventLoop::runDueTimers() {
  const MonoTime now = MonoClock::now();
  // Timers added by the callbacks below wait for the next pass, so a callback re-adding
  // itself for "now" cannot starve the fds.
  const TimerId newestOld = nextTimerId_ - 1;
  while (!timerHeap_.empty() && !stopping_) {
    const Timer top = timerHeap_.front();
    if (top.deadline > now || top.id > newestOld) break;
    std::pop_heap(timerHeap_.begin(), timerHeap_.end(), std::greater<>());
    timerHeap_.pop_back();
    auto it = timerCallbacks_.find(top.id);
    if (it == timerCallbacks_.end()) continue;  // cancelled
    std::function<void()> callback = std::move(it->second);
    timerCallbacks_.erase(it);
    callback();
  }
}

void EventLoop::rearmTimerFd() {
  // Drop cancelled entries from the top so the timerfd is armed for a live deadline.
  while (!timerHeap_.empty() && timerCallbacks_.count(timerHeap_.front().id) == 0) {
    std::pop_heap(timerHeap_.begin(), timerHeap_.end(), std::greater<>());
    timerHeap_.pop_back();
  }
  std::optional<MonoTime> wanted;
  if (!timerHeap_.empty()) wanted = timerHeap_.front().deadline;
  if (wanted == armedDeadline_) return;

  itimerspec spec{};  // all zero: disarm
  if (wanted) {
    auto sinceEpoch = wanted->time_since_epoch();
    if (sinceEpoch.count() <= 0) sinceEpoch = std::chrono::nanoseconds(1);  // 0 would disarm
    auto secs = std::chrono::duration_cast<std::chrono::seconds>(sinceEpoch);
    spec.it_value.tv_sec = static_cast<time_t>(secs.count());
    spec.it_value.tv_nsec = static_cast<long>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(sinceEpoch - secs).count());
  }
  // Only fails for invalid arguments, which the code above rules out.
  if (timerfd_settime(timerFd_.get(), TFD_TIMER_ABSTIME, &spec, nullptr) == 0) {
    armedDeadline_ = wanted;
  }
}

void EventLoop::drainSignals() {
  signalfd_siginfo info{};
  while (!stopping_) {
    ssize_t got = ::read(signalFd_.get(), &info, sizeof info);
    if (got < 0 && errno == EINTR) continue;
    if (got != static_cast<ssize_t>(sizeof info)) return;  // EAGAIN: drained
    auto it = signalHandlers_.find(static_cast<int>(info.ssi_signo));
    if (it == signalHandlers_.end()) continue;
    std::function<void()> handler = it->second;  // the handler may replace itself
    handler();
  }
}

}  // namespace sckd
