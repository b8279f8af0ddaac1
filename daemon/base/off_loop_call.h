#pragma once
// One blocking call run on a thread of its own, its end reported on the event loop. For the
// few library calls that cannot be made non-blocking: a host name lookup may wait as long
// as the resolver does (seconds per try, when a router's uplink is down), and the loop must
// go on sampling and storing meanwhile.
//
// A call cannot be interrupted. cancel() (and the destructor) only forget it: its thread
// finishes alone and its result is dropped, so whatever `work` touches must be owned by the
// work itself (captured by value or by shared_ptr), never borrowed from the caller.

#include <functional>
#include <memory>

#include "daemon/base/event_loop.h"
#include "daemon/base/result.h"

namespace sckd {

class OffLoopCall {
 public:
  explicit OffLoopCall(EventLoop& loop) : loop_(loop) {}
  ~OffLoopCall() { cancel(); }
  OffLoopCall(const OffLoopCall&) = delete;
  OffLoopCall& operator=(const OffLoopCall&) = delete;

  // Runs `work` on a new thread; once it returns, `done` runs on the loop, unless the call
  // was cancelled first. Everything `work` wrote is visible to `done`. One call at a time.
  Status start(std::function<void()> work, std::function<void()> done);
  void cancel();
  bool running() const { return pending_ != nullptr; }

 private:
  struct Pending;  // shared with the thread: outlives a cancel until the thread is done
  void finish();

  EventLoop& loop_;
  std::shared_ptr<Pending> pending_;
  std::function<void()> done_;
};

}  // namespace sckd
