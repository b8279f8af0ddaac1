#pragma once
// The /dev/i2c-N of the kernel's i2c-stub adapter, for the checks in the qemu VMs.

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <system_error>

namespace sckd::testing {

// The number N of the /dev/i2c-N whose adapter is i2c-stub's.
inline std::optional<int> findStubBus() {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/sys/class/i2c-dev", ec)) {
    std::ifstream in(entry.path() / "name");
    std::string name;
    std::getline(in, name);
    const std::string dev = entry.path().filename().string();  // "i2c-0"
    if (name == "SMBus stub driver" && dev.rfind("i2c-", 0) == 0) return std::stoi(dev.substr(4));
  }
  return std::nullopt;
}

}  // namespace sckd::testing
