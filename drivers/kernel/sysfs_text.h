#pragma once
// The small text files of sysfs and procfs: one number and a newline, read whole with a
// bound, so a file that is not what it should be is a clear error naming it.

#include <string>
#include <string_view>
#include <vector>

#include "daemon/base/result.h"

namespace sckd {

// The most a sysfs attribute holds (the kernel's page).
inline constexpr std::size_t kSysfsFileMax = 4096;

// "23125\n", "-12", "0.000061035\n", "1.5e-3": the number, or an Invalid error that quotes
// the text and names `where` (a path).
Result<double> parseSysfsNumber(std::string_view text, std::string_view where);

// `text` cut to `max` characters with every byte that is not printable ASCII made '?', so
// what a corrupt or hostile file holds can be quoted in a log line safely.
std::string printable(std::string_view text, std::size_t max = 40);

// "a, b, c": names listed in messages (the probes present, the devices of a name).
std::string commaList(const std::vector<std::string>& items);

// The whole attribute at `path` (bounded), its trailing newline removed.
Result<std::string> readSysfsText(const std::string& path);
// The number in the attribute at `path`.
Result<double> readSysfsNumber(const std::string& path);

}  // namespace sckd
