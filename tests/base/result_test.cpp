// Errors carry a code that survives the context added as they rise.
#include "daemon/base/result.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <set>

namespace sckd {
namespace {

Result<int> failingRead() {
  return makeError(ErrorCode::Crc, "CRC mismatch in word 1");
}

TEST(Result, ContextKeepsTheCodeOfTheFailureAtTheBottom) {
  Result<int> r = failingRead().context("read").context("sensor indoor");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::Crc);
  EXPECT_EQ(r.error().message, "sensor indoor: read: CRC mismatch in word 1");
  Status s = Status(makeError(ErrorCode::Full, "disk full")).context("outbox");
  EXPECT_EQ(s.error().code, ErrorCode::Full);
}

TEST(Result, ErrnoValuesMapToTheCodesCallersActOn) {
  EXPECT_EQ(errorCodeFromErrno(ENOENT), ErrorCode::Absent);
  EXPECT_EQ(errorCodeFromErrno(EREMOTEIO), ErrorCode::Absent);  // an I2C NACK
  EXPECT_EQ(errorCodeFromErrno(ENXIO), ErrorCode::Absent);
  EXPECT_EQ(errorCodeFromErrno(EBUSY), ErrorCode::Busy);
  EXPECT_EQ(errorCodeFromErrno(EACCES), ErrorCode::Permission);
  EXPECT_EQ(errorCodeFromErrno(ETIMEDOUT), ErrorCode::Timeout);
  EXPECT_EQ(errorCodeFromErrno(ENOSPC), ErrorCode::Full);
  EXPECT_EQ(errorCodeFromErrno(EFBIG), ErrorCode::Full);
  EXPECT_EQ(errorCodeFromErrno(EIO), ErrorCode::Io);
}

TEST(Result, EveryCodeHasItsOwnName) {
  EXPECT_EQ(errorCodeName(ErrorCode::NotReady), "not-ready");
  EXPECT_EQ(errorCodeName(ErrorCode::Crc), "crc");
  std::set<std::string_view> names;
  for (int c = 0; c <= static_cast<int>(ErrorCode::Internal); ++c) {
    names.insert(errorCodeName(static_cast<ErrorCode>(c)));
  }
  EXPECT_EQ(names.size(), static_cast<std::size_t>(ErrorCode::Internal) + 1);
}

}  // namespace
}  // namespace sckd
