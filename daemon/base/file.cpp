#include "daemon/base/file.h"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "daemon/base/unique_fd.h"

namespace sckd {
namespace {

// Decimal units, as a user reads them in a file manager: "5.2 MB", "1 MB", "800 kB".
std::string sizeText(std::size_t bytes) {
  auto scaled = [](std::size_t value, std::size_t unit, const char* name) {
    const std::size_t tenths = (value * 10 + unit / 2) / unit;
    std::string text = std::to_string(tenths / 10);
    if (tenths % 10 != 0) text += "." + std::to_string(tenths % 10);
    return text + " " + name;
  };
  if (bytes >= 1'000'000) return scaled(bytes, 1'000'000, "MB");
  if (bytes >= 1'000) return scaled(bytes, 1'000, "kB");
  return std::to_string(bytes) + " bytes";
}

}  // namespace

Result<std::string> readFileBounded(const std::string& path, std::size_t maxBytes) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    const int err = errno;
    return makeError(errorCodeFromErrno(err), path + ": cannot read: " + std::strerror(err));
  }
  std::string text;
  std::array<char, 8192> buf{};
  for (;;) {
    const ssize_t n = ::read(fd.get(), buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      return makeError(errorCodeFromErrno(err), path + ": cannot read: " + std::strerror(err));
    }
    if (n == 0) return text;
    text.append(buf.data(), static_cast<std::size_t>(n));
    if (text.size() > maxBytes) {
      // Say how big it really is when the kernel knows; a pipe or sysfs file may not.
      std::size_t size = text.size();
      if (off_t end = ::lseek(fd.get(), 0, SEEK_END); end > 0) size = static_cast<std::size_t>(end);
      return makeError(ErrorCode::Invalid, path + ": " + sizeText(size) + " is more than the " +
                                               sizeText(maxBytes) +
                                               " this file may have: is it the right file?");
    }
  }
}

}  // namespace sckd
