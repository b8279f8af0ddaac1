// findGpioLine: one YAML for every Raspberry Pi model. A Pi 4's header is on gpiochip0
// (label pinctrl-bcm2711); a Pi 5's is on the RP1 (label pinctrl-rp1), whose chip number
// differs between kernels, so a label or a line name finds it where a number may not.

#include <algorithm>
#include <optional>
#include <string>

#include "drivers/bus/gpio_chip.h"

namespace sckd {
namespace {

// "17" -> 17; anything that is not a plain decimal number is a line name.
std::optional<unsigned> lineNumber(const std::string& line) {
  if (line.empty() || line.size() > 6) return std::nullopt;
  unsigned number = 0;
  for (char c : line) {
    if (c < '0' || c > '9') return std::nullopt;
    number = number * 10 + static_cast<unsigned>(c - '0');
  }
  return number;
}

std::string chipList(const std::vector<GpioChipInfo>& chips) {
  if (chips.empty()) return "there is no GPIO chip (/dev/gpiochipN)";
  std::string text = "chips here:";
  for (const GpioChipInfo& c : chips) {
    text += " " + c.name + (c.label.empty() ? "" : " (" + c.label + ")");
  }
  return text;
}

}  // namespace

Result<GpioLineAddress> findGpioLine(GpioChips& chips, const std::string& chip,
                                     const std::string& line) {
  Result<std::vector<GpioChipInfo>> all = chips.list();
  if (!all.ok()) return all.error();
  auto found =
      std::find_if(all->begin(), all->end(), [&](const GpioChipInfo& c) { return c.name == chip; });
  if (found == all->end()) {
    found = std::find_if(all->begin(), all->end(),
                         [&](const GpioChipInfo& c) { return c.label == chip; });
  }
  if (found == all->end()) {
    return makeError(ErrorCode::Absent,
                     "no GPIO chip named or labelled \"" + chip + "\"; " + chipList(*all));
  }
  if (std::optional<unsigned> number = lineNumber(line)) {
    if (*number >= found->lines.size()) {
      return makeError(ErrorCode::Absent, found->name + " has no line " + line + " (it has " +
                                              std::to_string(found->lines.size()) +
                                              ", numbered from 0)");
    }
    return GpioLineAddress{found->name, *number};
  }
  for (const GpioLineInfo& l : found->lines) {
    if (l.name == line) return GpioLineAddress{found->name, l.offset};
  }
  return makeError(ErrorCode::Absent, found->name + " has no line named \"" + line +
                                          "\" (`sckd scan --gpio` lists the names)");
}

}  // namespace sckd
