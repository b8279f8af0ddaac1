#pragma once
// A Clock that moves only when a test says so.

#include <string>
#include <utility>

#include "daemon/base/clock.h"

namespace sckd::testing {

class FakeClock final : public Clock {
 public:
  // Starts at an arbitrary monotonic origin and the given wall time.
  explicit FakeClock(WallTime wall = WallTime(std::chrono::seconds(1'795'000'000)))
      : mono_(MonoTime(std::chrono::hours(1000))), wall_(wall) {}

  MonoTime monotonic() const override { return mono_; }
  WallTime wall() const override { return wall_; }
  bool synchronized() const override { return synchronized_; }
  // The boot started when the monotonic clock did.
  Nanos sinceBoot() const override {
    return std::chrono::duration_cast<Nanos>(mono_ - MonoTime(std::chrono::hours(1000)));
  }
  const std::string& bootId() const override { return bootId_; }
  void setBootId(std::string id) { bootId_ = std::move(id); }

  // Moves both clocks forward together, as real time does.
  void advance(std::chrono::nanoseconds d);
  // Steps only the wall clock (an NTP correction), as the kernel may.
  void stepWall(std::chrono::nanoseconds d) {
    wall_ += std::chrono::duration_cast<WallTime::duration>(d);
  }
  void setSynchronized(bool s) { synchronized_ = s; }

 private:
  MonoTime mono_;
  WallTime wall_;
  bool synchronized_ = true;
  std::string bootId_ = "fake-boot";
};

}  // namespace sckd::testing
