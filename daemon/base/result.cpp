#include "daemon/base/result.h"

#include <cerrno>

namespace sckd {

std::string_view errorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::Io:
      return "io";
    case ErrorCode::Absent:
      return "absent";
    case ErrorCode::Busy:
      return "busy";
    case ErrorCode::Permission:
      return "permission";
    case ErrorCode::Timeout:
      return "timeout";
    case ErrorCode::NotReady:
      return "not-ready";
    case ErrorCode::Crc:
      return "crc";
    case ErrorCode::Invalid:
      return "invalid";
    case ErrorCode::Config:
      return "config";
    case ErrorCode::Unsupported:
      return "unsupported";
    case ErrorCode::Tls:
      return "tls";
    case ErrorCode::Refused:
      return "refused";
    case ErrorCode::Network:
      return "network";
    case ErrorCode::Full:
      return "full";
    case ErrorCode::Corrupt:
      return "corrupt";
    case ErrorCode::Storage:
      return "storage";
    case ErrorCode::Internal:
      return "internal";
  }
  return "internal";
}

ErrorCode errorCodeFromErrno(int err) {
  switch (err) {
    case ENOENT:
    case ENODEV:
    case ENXIO:      // i2c-dev: no ACK from the address
    case EREMOTEIO:  // i2c-dev: a NACK during the transfer
      return ErrorCode::Absent;
    case EBUSY:
      return ErrorCode::Busy;
    case EACCES:
    case EPERM:
      return ErrorCode::Permission;
    case ETIMEDOUT:
    case EAGAIN:
      return ErrorCode::Timeout;
    case ENOSPC:
    case EFBIG:
    case EDQUOT:
      return ErrorCode::Full;
    case EOPNOTSUPP:
      return ErrorCode::Unsupported;
    default:
      return ErrorCode::Io;
  }
}

}  // namespace sckd
