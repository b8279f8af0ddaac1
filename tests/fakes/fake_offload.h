#pragma once
// The Offload seam for unit tests: a call runs at once, on the test's thread, unless the
// test holds calls back to see what a driver does while a read is still running (a stuck
// 1-wire bus); release() then runs them, in order.

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <utility>

#include "drivers/bus/offload.h"

namespace sckd::testing {

class FakeOffload final : public Offload {
 public:
  std::shared_ptr<const std::atomic<bool>> start(std::function<void()> work) override {
    ++started_;
    auto done = std::make_shared<std::atomic<bool>>(false);
    held_.push_back({std::move(work), done});
    if (!holding_) release();
    return done;
  }

  void hold() { holding_ = true; }
  // Runs every held call and stops holding.
  void release() {
    holding_ = false;
    while (!held_.empty()) {
      Held call = std::move(held_.front());
      held_.pop_front();
      call.work();
      call.done->store(true, std::memory_order_release);
    }
  }
  int started() const { return started_; }

 private:
  struct Held {
    std::function<void()> work;
    std::shared_ptr<std::atomic<bool>> done;
  };
  bool holding_ = false;
  int started_ = 0;
  std::deque<Held> held_;
};

}  // namespace sckd::testing
