#pragma once
// What the checks that run inside the qemu VMs print: one PASS: or FAIL: line per check,
// which scripts/qemu-*-test read from the VM's console. Not gtest: the VMs boot a bare
// busybox initramfs.

#include <cstdio>
#include <string>

namespace sckd::testing {

// FAIL lines printed so far.
inline int& checkFailures() {
  static int failures = 0;
  return failures;
}

inline void check(bool ok, const std::string& what, const std::string& detail = "") {
  std::printf("%s: %s%s%s\n", ok ? "PASS" : "FAIL", what.c_str(), detail.empty() ? "" : ": ",
              detail.c_str());
  std::fflush(stdout);
  if (!ok) ++checkFailures();
}

}  // namespace sckd::testing
