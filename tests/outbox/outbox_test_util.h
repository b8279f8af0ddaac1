#pragma once
// Shared by the outbox tests: real files in a fresh temporary directory (WAL files and
// renames are part of what is tested, so no :memory:).

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "daemon/outbox/outbox.h"
#include "tests/support/temp_dir.h"

namespace sckd::testing {

inline std::vector<NewReading> makeTick(std::int64_t at, int count, int firstSensor = 1) {
  std::vector<NewReading> tick;
  for (int i = 0; i < count; ++i) {
    tick.push_back({at, firstSensor + i, std::to_string(at % 1000) + "." + std::to_string(i)});
  }
  return tick;
}

inline std::unique_ptr<Outbox> openOrDie(const std::string& path,
                                         std::uint64_t maxSize = 256u << 20) {
  auto outbox = Outbox::open(path, maxSize);
  if (!outbox) {
    ADD_FAILURE() << outbox.error().message;
    return nullptr;
  }
  return std::move(*outbox);
}

}  // namespace sckd::testing
