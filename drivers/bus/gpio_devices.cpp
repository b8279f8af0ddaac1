#include "drivers/bus/gpio_devices.h"

#include <dirent.h>
#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

#include "drivers/bus/linux_gpio.h"
#include "sckd_features.h"

namespace sckd {

namespace gpio_detail {

namespace {

// "gpiochip12" -> 12; -1 for any other name.
long chipNumber(const std::string& name) {
  constexpr std::string_view kPrefix = "gpiochip";
  if (name.size() <= kPrefix.size() || name.size() > kPrefix.size() + 6 ||
      name.compare(0, kPrefix.size(), kPrefix) != 0) {
    return -1;
  }
  long number = 0;
  for (std::size_t i = kPrefix.size(); i < name.size(); ++i) {
    if (name[i] < '0' || name[i] > '9') return -1;
    number = number * 10 + (name[i] - '0');
  }
  return number;
}

}  // namespace

std::vector<std::string> chipDeviceNames(const std::string& deviceDir) {
  std::vector<std::string> names;
  std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir(deviceDir.c_str()), ::closedir);
  if (!dir) return names;
  while (const dirent* entry = ::readdir(dir.get())) {
    std::string name = entry->d_name;
    if (chipNumber(name) >= 0) names.push_back(std::move(name));
  }
  std::sort(names.begin(), names.end(), [](const std::string& a, const std::string& b) {
    return chipNumber(a) < chipNumber(b);
  });
  return names;
}

Result<bool> edgesWaiting(int fd) {
  pollfd p{fd, POLLIN, 0};
  int ready = 0;
  do {
    ready = ::poll(&p, 1, 0);
  } while (ready < 0 && errno == EINTR);
  if (ready < 0) return gpioError("wait for edges", errno);
  if (ready > 0 && (p.revents & POLLIN) == 0) {
    return makeError(ErrorCode::Absent, "the line is gone (was its chip removed?)");
  }
  return ready > 0;
}

Error gpioError(const std::string& what, int err) {
  std::string text = what + ": " + std::strerror(err);
  if (err == EBUSY) {
    text +=
        " (another program or a kernel driver holds this line: `sckd scan --gpio` "
        "shows who)";
  }
  if (err == EACCES || err == EPERM) text += " (the user needs to be in group gpio)";
  return makeError(errorCodeFromErrno(err), std::move(text));
}

}  // namespace gpio_detail

bool gpioCompiledIn() {
  return SCKD_HAVE_GPIO != 0;
}

Status requireGpioSupport(std::string_view driverName) {
  if (gpioCompiledIn()) return {};
  return makeError(ErrorCode::Unsupported,
                   "driver '" + std::string(driverName) +
                       "' needs GPIO support, which is not compiled in (rebuild with "
                       "-Dgpio=enabled and libgpiod-dev)");
}

}  // namespace sckd
