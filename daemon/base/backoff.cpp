#include "daemon/base/backoff.h"

#include <algorithm>

namespace sckd {

Millis Backoff::next() {
  // base = initial * 2^attempts, capped; the shift is bounded so it cannot overflow.
  const std::uint32_t shift = std::min<std::uint32_t>(attempts_, 20);
  Millis base = initial_ * (std::int64_t{1} << shift);
  base = std::min(base, maximum_);
  ++attempts_;
  // Uniform in [base/2, base]: never shorter than half the step, never past the cap.
  std::uniform_int_distribution<std::int64_t> pick(base.count() / 2, base.count());
  return Millis(pick(rng_));
}

}  // namespace sckd
