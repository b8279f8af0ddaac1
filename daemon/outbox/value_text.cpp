#include "daemon/outbox/value_text.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace sckd {

namespace {

// Beyond this a double has no meaningful fraction digits left and a reading is surely a
// driver fault; it also keeps every value short and free of exponents.
constexpr double kMaxMagnitude = 1e15;
constexpr int kMaxDecimals = 12;

}  // namespace

Result<std::string> formatValue(double value, int decimals) {
  if (std::isnan(value)) return makeError(ErrorCode::Invalid, "value is NaN");
  if (std::isinf(value)) return makeError(ErrorCode::Invalid, "value is infinite");
  if (std::fabs(value) >= kMaxMagnitude) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "value %g is out of range (|v| >= 1e15)", value);
    return makeError(ErrorCode::Invalid, buf);
  }
  decimals = std::clamp(decimals, 0, kMaxDecimals);
  // 16 integer digits (rounding may carry), sign, point, decimals: 64 is plenty.
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed, decimals);
  if (ec != std::errc()) return makeError(ErrorCode::Invalid, "value could not be formatted");
  std::string text(buf, end);
  if (text.find('.') != std::string::npos) {
    while (text.back() == '0') text.pop_back();
    if (text.back() == '.') text.pop_back();
  }
  if (text == "-0") text = "0";  // a tiny negative that rounded away is just zero
  return text;
}

}  // namespace sckd
