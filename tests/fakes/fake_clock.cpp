#include "tests/fakes/fake_clock.h"

namespace sckd::testing {

void FakeClock::advance(std::chrono::nanoseconds d) {
  mono_ += std::chrono::duration_cast<MonoTime::duration>(d);
  wall_ += std::chrono::duration_cast<WallTime::duration>(d);
}

}  // namespace sckd::testing
