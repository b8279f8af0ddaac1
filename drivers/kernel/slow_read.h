#pragma once
// A read of kernel files that may block (a 1-wire conversion, a DHT22's timeout), run off
// the loop with a deadline: the driver starts it in start() and polls for it in collect(),
// asking to be called again (Measurement::continueAfter) while it runs.

#include <functional>
#include <optional>
#include <string>
#include <utility>

#include "daemon/base/clock.h"
#include "daemon/base/result.h"
#include "drivers/bus/offload.h"

namespace sckd {

// How often collect() looks again while a read runs.
inline constexpr Millis kSlowReadPoll{100};

template <typename T>
class SlowKernelRead {
 public:
  SlowKernelRead(Offload& offload, const Clock& clock, Millis timeout)
      : read_(offload), clock_(clock), timeout_(timeout) {}

  // Starts `read`; `what` names it in messages ("1-wire probe 28-0316a2794cff"). While the previous
  // one still has not returned (a stuck bus, a driver that never answers) no second one is started:
  // the error says so.
  Status start(std::function<Result<T>()> read, const std::string& what) {
    what_ = what;
    if (!read_.start(std::move(read))) {
      const auto stuck = std::chrono::duration_cast<Seconds>(clock_.monotonic() - startedAt_);
      return makeError(ErrorCode::Timeout, "the kernel has not finished the read of " + what_ +
                                               " begun " + std::to_string(stuck.count()) +
                                               " s ago; waiting for it before the next");
    }
    startedAt_ = clock_.monotonic();
    return {};
  }

  // The result once the read returned; nullopt while it runs within the timeout; after
  // it, a Timeout error (the read goes on alone and the next start() waits for it).
  std::optional<Result<T>> poll() {
    if (std::optional<Result<T>> result = read_.take()) return result;
    if (clock_.monotonic() - startedAt_ < timeout_) return std::nullopt;
    return Result<T>(makeError(
        ErrorCode::Timeout,
        "the kernel did not return the read of " + what_ + " within " +
            std::to_string(std::chrono::duration_cast<Seconds>(timeout_).count()) + " s"));
  }

 private:
  BackgroundRead<T> read_;
  const Clock& clock_;
  Millis timeout_;
  MonoTime startedAt_{};
  std::string what_;
};

}  // namespace sckd
