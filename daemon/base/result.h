#pragma once
// Errors are values: every fallible path returns Result<T>. std::expected is not
// available in GCC 12 at C++20, so this is the small subset we need. An Error carries a
// code, which is what code and tests decide on, and a message, which is for a person and
// may be reworded at any time.

#include <cassert>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace sckd {

// What kind of failure it was, in the terms a caller acts on.
enum class ErrorCode : std::uint8_t {
  Io,           // a read or write failed (EIO and the like)
  Absent,       // no such device, address, file or bus (ENOENT, ENODEV, a NACK)
  Busy,         // held by someone else (EBUSY: a kernel driver owns the address)
  Permission,   // EACCES, EPERM
  Timeout,      // no answer in time
  NotReady,     // the device answered but has no new data yet
  Crc,          // data arrived with a wrong checksum
  Invalid,      // data that cannot be right: out of range, a no-data pattern, wrong chip
  Config,       // the configuration (file or a driver option) is invalid
  Unsupported,  // not compiled into this build
  Tls,          // a TLS handshake or certificate problem
  Refused,      // the broker refused the connection
  Network,      // no connection, or it was lost
  Full,         // the disk or a size limit is full
  Corrupt,      // a file that is not what it should be
  Storage,      // another error of the SQLite outbox
  Internal,     // a broken invariant: a bug in sckd
};

// A short stable word per code, for logs and `--json` output: "crc", "not-ready".
std::string_view errorCodeName(ErrorCode code);
// The code for an errno value: ENOENT -> Absent, EBUSY -> Busy, ENOSPC -> Full, ...
ErrorCode errorCodeFromErrno(int err);

struct Error {
  ErrorCode code = ErrorCode::Internal;
  std::string message;
};

// "outbox: open /var/lib/sckd/outbox.db: disk I/O error": context is prepended as the
// error rises, so the operator reads the whole path from the outermost caller inward; the
// code stays the one of the failure at the bottom.
inline Error makeError(ErrorCode code, std::string message) {
  return Error{code, std::move(message)};
}
inline Error withContext(std::string_view context, Error error) {
  return Error{error.code, std::string(context) + ": " + error.message};
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
