#pragma once
// Running a call that blocks somewhere the loop does not wait for it. Some kernel files hold
// read() while the hardware works: a 1-wire probe converts for 750 ms, the kernel's DHT22
// driver waits up to a second for an answer that may never come. The loop must go on
// sampling the other sensors, so such a read runs through an Offload.
//
// A call cannot be interrupted: one that never returns (a stuck 1-wire bus) is forgotten,
// so `work` must own everything it touches (captured by value or by shared_ptr).

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <utility>

#include "daemon/base/result.h"

namespace sckd {

class Offload {
 public:
  virtual ~Offload() = default;
  // Starts `work`; the flag turns true once it has returned, and everything it wrote is
  // visible to whoever sees the flag true (release on set, acquire on load).
  virtual std::shared_ptr<const std::atomic<bool>> start(std::function<void()> work) = 0;
};

// The real thing: each call on a detached thread of its own (a few per minute at most).
Offload& threadOffload();

// One blocking read of type T at a time, through an Offload: start it, then poll for its
// result from the loop. A read still running when the next is due is not started twice.
template <typename T>
class BackgroundRead {
 public:
  explicit BackgroundRead(Offload& offload) : offload_(offload) {}

  bool running() const { return done_ != nullptr && !done_->load(std::memory_order_acquire); }

  // Starts `read`; false (and nothing started) while the previous read is still running.
  bool start(std::function<Result<T>()> read) {
    if (running()) return false;
    auto slot = std::make_shared<std::optional<Result<T>>>();
    slot_ = slot;
    done_ = offload_.start([slot, read = std::move(read)] { slot->emplace(read()); });
    return true;
  }

  // The result of the last read once it has returned (then forgotten); nullopt before.
  std::optional<Result<T>> take() {
    if (done_ == nullptr || running()) return std::nullopt;
    done_.reset();
    std::optional<Result<T>> result = std::move(*slot_);
    slot_.reset();
    return result;
  }

 private:
  Offload& offload_;
  std::shared_ptr<const std::atomic<bool>> done_;
  std::shared_ptr<std::optional<Result<T>>> slot_;
};

}  // namespace sckd
