#include "daemon/sampling/sample_window.h"

#include <algorithm>
#include <numeric>
#include <string>

namespace sckd {

void SampleWindow::add(MonoTime windowEnd, const Result<Measurement>& sample) {
  if (lastTaken_ && windowEnd <= *lastTaken_) return;
  if (open_.count(windowEnd) == 0 && open_.size() >= kMaxOpen) {
    open_.erase(open_.begin());  // its last instant was missed long ago
  }
  Window& w = open_[windowEnd];
  ++w.taken;
  if (!sample.ok()) {
    ++w.failed;
    w.lastError = sample.error();
    return;
  }
  if (!sample->failures.empty()) {
    ++w.withFailures;
    w.lastFailures = sample->failures;
  }
  for (const Sample& s : sample->samples) {
    if (s.quantity >= w.quantities.size()) w.quantities.resize(s.quantity + 1);
    std::optional<Values>& q = w.quantities[s.quantity];
    if (!q) q.emplace();
    q->values.push_back(s.value);
    q->isRecordedAt = s.isRecordedAt;
  }
}

Result<Measurement> SampleWindow::take(MonoTime windowEnd) {
  auto it = open_.find(windowEnd);
  if (it == open_.end()) {
    return makeError(ErrorCode::Internal, "no samples were taken for this reading");
  }
  const Window w = std::move(it->second);
  open_.erase(open_.begin(), std::next(it));
  lastTaken_ = windowEnd;
  if (w.failed == w.taken) {
    const std::string what = w.taken == 1 ? std::string("its one sample failed")
                                          : "all " + std::to_string(w.taken) + " samples failed";
    const Error last = w.lastError.value_or(makeError(ErrorCode::Internal, "no reason given"));
    return makeError(last.code, what + ": " + last.message);
  }
  Measurement reading;
  for (std::size_t q = 0; q < w.quantities.size(); ++q) {
    if (!w.quantities[q]) continue;
    const Values& v = *w.quantities[q];
    const double value = v.isRecordedAt ? v.values.back() : reduce(reduce_, v.values);
    reading.samples.push_back(Sample{q, value, v.isRecordedAt});
  }
  // A quantity that failed in some samples has the values of the others; one that failed
  // in every sample that ran shows in every one of them.
  if (w.withFailures == w.taken - w.failed) reading.failures = w.lastFailures;
  return reading;
}

double SampleWindow::reduce(Reduce how, std::vector<double> values) {
  switch (how) {
    case Reduce::Mean:
      return std::accumulate(values.begin(), values.end(), 0.0) /
             static_cast<double>(values.size());
    case Reduce::Median: {
      std::sort(values.begin(), values.end());
      const std::size_t mid = values.size() / 2;
      return values.size() % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }
    case Reduce::Max:
      return *std::max_element(values.begin(), values.end());
  }
  return values.back();
}

}  // namespace sckd
