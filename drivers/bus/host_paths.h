#pragma once
// Where the kernel's own interfaces are: sysfs, procfs and /dev. Always the real ones in
// sckd; a unit test points them at a temporary tree shaped exactly like the kernel's files.

#include <string>

namespace sckd {

struct HostPaths {
  std::string sys = "/sys";
  std::string proc = "/proc";
  std::string dev = "/dev";
};

// The real paths, for every context that does not say otherwise.
inline const HostPaths& realHostPaths() {
  static const HostPaths real;
  return real;
}

}  // namespace sckd
