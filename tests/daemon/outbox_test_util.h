#pragma once
// Shared by the outbox tests: real files in a fresh temporary directory (WAL files and
// renames are part of what is tested, so no :memory:).

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "daemon/outbox.h"

namespace sckd::testing {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "sckd-outbox-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) std::abort();
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  // Names in the directory that start with `prefix`.
  std::vector<std::string> entries(const std::string& prefix = "") const {
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(path_)) {
      const std::string name = e.path().filename().string();
      if (name.rfind(prefix, 0) == 0) names.push_back(name);
    }
    return names;
  }

 private:
  std::string path_;
};

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
