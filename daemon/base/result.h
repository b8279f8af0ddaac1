#pragma once
// Errors are values: every fallible path returns Result<T>. std::expected is not
// available in GCC 12 at C++20, so this is the small subset we need.

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace sckd {

struct Error {
  std::string message;
};

// "outbox: open /var/lib/sckd/outbox.db: disk I/O error": context is prepended as the
// error rises, so the operator reads the whole path from the outermost caller inward.
inline Error makeError(std::string message) {
  return Error{std::move(message)};
}
inline Error withContext(std::string_view context, Error error) {
  return Error{std::string(context) + ": " + error.message};
}

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}      // NOLINT: implicit
  Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<0>(state_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(state_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(state_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const {
    assert(!ok());
    return std::get<1>(state_);
  }

  // Prepends context to the error, passes a value through untouched.
  Result<T> context(std::string_view text) && {
    if (ok()) return std::move(*this);
    return withContext(text, std::get<1>(std::move(state_)));
  }

 private:
  std::variant<T, Error> state_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT: implicit

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const {
    assert(!ok_);
    return error_;
  }

  Result<void> context(std::string_view text) && {
    if (ok_) return {};
    return withContext(text, std::move(error_));
  }

 private:
  Error error_;
  bool ok_ = true;
};

using Status = Result<void>;

}  // namespace sckd
