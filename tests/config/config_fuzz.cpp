// libFuzzer target for the config loader (against the test schema table, whose drivers
// cover bus, multi-quantity and required-option rules): any bytes must give a Config or an error,
// never a crash, a hang or an exception.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "config/config.h"
#include "tests/config/test_drivers.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  sckd::Result<sckd::Config> result =
      sckd::parseConfig(text, "fuzz.yaml", sckd::testing::testDrivers());
  if (!result.ok() && result.error().message.empty()) __builtin_trap();  // errors say why
  return 0;
}
