#pragma once
// A scratch directory per test, removed at the end unless SCKD_KEEP_TEST_DIRS is set (then
// its path is printed so a failed run can be inspected).

#include <string>
#include <vector>

namespace sckd::testing {

class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "sckd-it");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  // Names in the directory that start with `prefix`.
  std::vector<std::string> entries(const std::string& prefix = "") const;

 private:
  std::string path_;
};

// Small file helpers shared by the support code and the tests.
std::string readFile(const std::string& path);
bool writeFile(const std::string& path, const std::string& text);

}  // namespace sckd::testing
