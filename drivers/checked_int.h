#pragma once
// Signed 64-bit arithmetic that records an overflow instead of invoking undefined behaviour.
// Datasheet compensation formulas (the BME280's) are written for int64 and are exact there
// with a real chip's calibration; a corrupt calibration read must give an error, not UB.
// 64 bits on every target: 32-bit ARM (armhf) has no __int128.

#include <cstdint>
#include <limits>

namespace sckd {

class CheckedInt {
 public:
  constexpr CheckedInt(std::int64_t value = 0) : value_(value) {}  // NOLINT: implicit

  // True once any operation leading to this value overflowed (it sticks).
  constexpr bool overflowed() const { return overflowed_; }
  constexpr std::int64_t value() const { return value_; }

  friend constexpr CheckedInt operator+(CheckedInt a, CheckedInt b) {
    CheckedInt r = taint(a, b);
    r.overflowed_ |= __builtin_add_overflow(a.value_, b.value_, &r.value_);
    return r;
  }
  friend constexpr CheckedInt operator-(CheckedInt a, CheckedInt b) {
    CheckedInt r = taint(a, b);
    r.overflowed_ |= __builtin_sub_overflow(a.value_, b.value_, &r.value_);
    return r;
  }
  friend constexpr CheckedInt operator*(CheckedInt a, CheckedInt b) {
    CheckedInt r = taint(a, b);
    r.overflowed_ |= __builtin_mul_overflow(a.value_, b.value_, &r.value_);
    return r;
  }
  // Truncating division, as int64 does; by zero (or INT64_MIN / -1) is an overflow.
  friend constexpr CheckedInt operator/(CheckedInt a, CheckedInt b) {
    CheckedInt r = taint(a, b);
    if (b.value_ == 0 || (a.value_ == std::numeric_limits<std::int64_t>::min() && b.value_ == -1)) {
      r.overflowed_ = true;
      return r;
    }
    r.value_ = a.value_ / b.value_;
    return r;
  }
  // x << n as the formulas mean it: x * 2^n, checked (for negative x too).
  friend constexpr CheckedInt operator<<(CheckedInt a, int n) {
    if (n >= 0 && n <= 62) return a * CheckedInt(std::int64_t{1} << n);
    CheckedInt r = a;  // 2^63 and beyond do not fit: only 0 survives such a shift
    r.value_ = 0;
    r.overflowed_ = a.overflowed_ || a.value_ != 0 || n < 0;
    return r;
  }
  // Arithmetic shift (C++20 defines >> on negative values as floor division by 2^n).
  friend constexpr CheckedInt operator>>(CheckedInt a, int n) {
    CheckedInt r = a;
    r.value_ = a.value_ >> n;
    return r;
  }

 private:
  static constexpr CheckedInt taint(CheckedInt a, CheckedInt b) {
    CheckedInt r;
    r.overflowed_ = a.overflowed_ || b.overflowed_;
    return r;
  }
  std::int64_t value_ = 0;
  bool overflowed_ = false;
};

}  // namespace sckd
