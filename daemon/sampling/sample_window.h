#pragma once
// The samples of one sensor's interval (`samples:` above 1), gathered as they complete and
// reduced to the one reading that is stored (`reduce:`). Pure logic: the sampler hands it
// each sample's outcome and asks for the reading at the window's last instant.

#include <cstddef>
#include <map>
#include <optional>
#include <vector>

#include "config/config.h"
#include "daemon/base/clock.h"
#include "daemon/base/result.h"
#include "drivers/driver.h"

namespace sckd {

class SampleWindow {
 public:
  explicit SampleWindow(Reduce reduce) : reduce_(reduce) {}

  // The outcome of one sample of the window ending at `windowEnd`: its measurement, or why
  // it failed (start, collect, or skipped while the one before was still running). Samples
  // are kept per window: a slow last sample of one window may complete after the next
  // window's first was skipped. A sample of a window already taken is dropped (it
  // finished after its reading was stored).
  void add(MonoTime windowEnd, const Result<Measurement>& sample);

  // The reading of the window ending at `windowEnd`, after its last sample was added: per
  // quantity, the reduction of the values its samples gave (a value that is its own
  // recorded_at is not reduced: the last is kept). Failed samples are left out; when every
  // one failed the error says so, with the last one's reason. Failures of a quantity within
  // samples (a bad CRC) are kept only when every sample that ran had some: otherwise the
  // quantity simply has fewer values. Ends this window and drops any earlier one, whose
  // last instant was missed (a loop blocked past it) and so will never be stored.
  Result<Measurement> take(MonoTime windowEnd);

  // The reduction of `values` (not empty): their mean, median (the mean of the middle two
  // for an even count) or max.
  static double reduce(Reduce how, std::vector<double> values);

 private:
  struct Values {
    std::vector<double> values;
    bool isRecordedAt = false;
  };
  struct Window {
    std::size_t taken = 0;         // samples added, failed or not
    std::size_t failed = 0;        // of which failed altogether
    std::size_t withFailures = 0;  // of which succeeded with some quantity failing
    std::optional<Error> lastError;
    std::vector<Error> lastFailures;  // the quantity failures of the last sample that had any
    std::vector<std::optional<Values>> quantities;  // by Sample::quantity
  };
  // Windows whose last instant was missed stay until a later one closes; a few at most.
  static constexpr std::size_t kMaxOpen = 3;

  Reduce reduce_;
  std::map<MonoTime, Window> open_;
  std::optional<MonoTime> lastTaken_;
};

}  // namespace sckd
