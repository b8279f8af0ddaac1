#include "daemon/outbox/acked_rows.h"

#include <algorithm>
#include <cstdint>
#include <limits>

namespace sckd {

std::vector<AckedRows::Range> AckedRows::add(std::int64_t first, std::int64_t last) {
  std::vector<Range> fresh;
  if (first > last) return fresh;
  // Walk the held ranges that touch first..last, noting the gaps between them, then
  // replace them all by one merged range.
  std::int64_t mergedFirst = first, mergedLast = last;
  auto it = byFirst_.upper_bound(first);
  if (it != byFirst_.begin() && std::prev(it)->second >= first - 1) --it;
  std::int64_t cursor = first;  // the next id of first..last not yet accounted for
  while (it != byFirst_.end() && it->first <= last + 1) {
    if (it->first > cursor) fresh.push_back({cursor, std::min(last, it->first - 1)});
    cursor = std::max(cursor, it->second + 1);
    mergedFirst = std::min(mergedFirst, it->first);
    mergedLast = std::max(mergedLast, it->second);
    it = byFirst_.erase(it);
  }
  if (cursor <= last) fresh.push_back({cursor, last});
  byFirst_[mergedFirst] = mergedLast;
  return fresh;
}

std::int64_t AckedRows::skipFrom(std::int64_t id) const {
  // Ranges are never adjacent, so one step is enough.
  auto it = byFirst_.upper_bound(id + 1);
  if (it == byFirst_.begin()) return id;
  --it;
  return it->second > id ? it->second : id;
}

std::int64_t AckedRows::nextStartAfter(std::int64_t id) const {
  auto it = byFirst_.upper_bound(id);
  return it == byFirst_.end() ? std::numeric_limits<std::int64_t>::max() : it->first;
}

bool AckedRows::contains(std::int64_t id) const {
  auto it = byFirst_.upper_bound(id);
  if (it == byFirst_.begin()) return false;
  return std::prev(it)->second >= id;
}

std::vector<AckedRows::Range> AckedRows::ranges() const {
  std::vector<Range> out;
  out.reserve(byFirst_.size());
  for (const auto& [first, last] : byFirst_) out.push_back({first, last});
  return out;
}

}  // namespace sckd
