#pragma once
// Shared by the config tests: parse against the test driver table, read back the error.

#include <gtest/gtest.h>

#include <string>

#include "config/config.h"
#include "tests/config/test_drivers.h"

namespace sckd::testing {

// A minimal valid file: lines 1-3 platform, 4-6 one sim sensor.
inline constexpr const char* kMinimal =
    "platform:\n"
    "  token: abc123\n"
    "  tls: false\n"
    "sensors:\n"
    "  - driver: sim\n"
    "    id: 55\n";

inline Result<Config> parse(const std::string& text) {
  return parseConfig(text, "/etc/sckd/t.yaml", testDrivers());
}

// The error text of a file that must fail; "" (and a test failure) when it parsed.
inline std::string errorOf(const std::string& text) {
  Result<Config> r = parse(text);
  if (r.ok()) {
    ADD_FAILURE() << "expected an error for:\n" << text;
    return "";
  }
  return r.error().message;
}

inline Config valid(const std::string& text) {
  Result<Config> r = parse(text);
  if (!r.ok()) {
    ADD_FAILURE() << r.error().message;
    return Config{};
  }
  return std::move(r).value();
}

}  // namespace sckd::testing
