#include "drivers/kernel/sysfs_text.h"

#include <charconv>
#include <cmath>

#include "daemon/base/file.h"

namespace sckd {
namespace {

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ' || text.back() == '\t'))
    text.remove_suffix(1);
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  return text;
}

}  // namespace

std::string printable(std::string_view text, std::size_t max) {
  std::string out(text.substr(0, max));
  for (char& c : out) {
    if (c < ' ' || c > '~') c = '?';
  }
  return out;
}

std::string commaList(const std::vector<std::string>& items) {
  std::string list;
  for (const std::string& item : items) list += (list.empty() ? "" : ", ") + item;
  return list;
}

Result<double> parseSysfsNumber(std::string_view text, std::string_view where) {
  const std::string_view number = trimmed(text);
  double value = 0;
  const char* end = number.data() + number.size();
  auto [last, ec] = std::from_chars(number.data(), end, value);
  if (number.empty() || ec != std::errc() || last != end || !std::isfinite(value)) {
    std::string quoted(number.substr(0, 40));
    for (char& c : quoted) {
      if (c < ' ' || c > '~') c = '?';  // a corrupt file must not put control bytes in the log
    }
    return makeError(ErrorCode::Invalid, std::string(where) + ": '" + quoted + "' is not a number");
  }
  return value;
}

Result<std::string> readSysfsText(const std::string& path) {
  Result<std::string> text = readFileBounded(path, kSysfsFileMax);
  if (!text.ok()) return text;
  while (!text->empty() && text->back() == '\n') text->pop_back();
  return text;
}

Result<double> readSysfsNumber(const std::string& path) {
  Result<std::string> text = readSysfsText(path);
  if (!text.ok()) return text.error();
  return parseSysfsNumber(*text, path);
}

}  // namespace sckd
