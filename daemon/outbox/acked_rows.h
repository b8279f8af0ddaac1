#pragma once
// Row ids the broker has acknowledged but that are still in the outbox file: the outbox
// deletes them with the next tick's commit instead of in a transaction (and an fsync) of
// their own. Until then they must not be sent again, so the outbox skips them when it
// fetches. Kept as sorted, merged, inclusive ranges: a drained backlog is one range.

#include <cstdint>
#include <map>
#include <utility>
#include <vector>

namespace sckd {

class AckedRows {
 public:
  struct Range {
    std::int64_t first;
    std::int64_t last;  // inclusive
  };

  // Adds first..last; returns the parts of it that were not already held (a repeated
  // PUBACK adds nothing new), so the caller counts each row once.
  std::vector<Range> add(std::int64_t first, std::int64_t last);
  // The id after `id` that is not held: `id` itself moves past a range that starts at id+1.
  std::int64_t skipFrom(std::int64_t id) const;
  // The first id of the first range that starts after `id`; INT64_MAX when none does.
  std::int64_t nextStartAfter(std::int64_t id) const;
  bool contains(std::int64_t id) const;

  std::vector<Range> ranges() const;
  bool empty() const { return byFirst_.empty(); }
  void clear() { byFirst_.clear(); }

 private:
  std::map<std::int64_t, std::int64_t> byFirst_;  // first -> last, disjoint, not adjacent
};

}  // namespace sckd
