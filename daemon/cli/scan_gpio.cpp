// `sckd scan --gpio`: the GPIO chips there are, their lines, who holds which, and for each
// free line the `chip:` and `line:` that name it in the config.
#include <cstdio>
#include <map>
#include <string>

#include "daemon/cli/commands.h"
#include "drivers/bus/gpio_chip.h"

namespace sckd {
namespace {

// How the config should name a chip: by its label when no other chip has it (the same
// YAML then works on a Pi 4 and a Pi 5), by its name otherwise.
std::string chipKey(const GpioChipInfo& chip, const std::vector<GpioChipInfo>& all) {
  int sameLabel = 0;
  for (const GpioChipInfo& c : all) sameLabel += c.label == chip.label ? 1 : 0;
  return !chip.label.empty() && sameLabel == 1 ? chip.label : chip.name;
}

// And a line: by its name when the chip has no other line of that name.
std::string lineKey(const GpioLineInfo& line, const GpioChipInfo& chip) {
  int sameName = 0;
  for (const GpioLineInfo& l : chip.lines) sameName += l.name == line.name ? 1 : 0;
  return !line.name.empty() && sameName == 1 ? line.name : std::to_string(line.offset);
}

}  // namespace

std::string describeGpioChips(const std::vector<GpioChipInfo>& chips) {
  std::string out;
  for (const GpioChipInfo& chip : chips) {
    out += chip.name + " (" + (chip.label.empty() ? "no label" : chip.label) + "), " +
           std::to_string(chip.lines.size()) + " lines\n";
    const std::string key = chipKey(chip, chips);
    for (const GpioLineInfo& line : chip.lines) {
      char head[64];
      std::snprintf(head, sizeof head, "  %3u  %-12s ", line.offset,
                    line.name.empty() ? "-" : line.name.c_str());
      out += head;
      if (line.used) {
        out += "in use by " + (line.consumer.empty() ? std::string("the kernel") : line.consumer) +
               (line.output ? " (output)" : "") + "\n";
      } else {
        out += "free   {chip: " + key + ", line: " + lineKey(line, chip) + "}\n";
      }
    }
  }
  return out;
}

int scanGpioCommand(GpioChips& chips) {
  Result<std::vector<GpioChipInfo>> list = chips.list();
  if (!list.ok()) {
    std::fprintf(stderr, "sckd scan --gpio: %s\n", list.error().message.c_str());
    return 1;
  }
  if (list->empty()) {
    std::fprintf(stderr,
                 "sckd scan --gpio: no GPIO chip (/dev/gpiochipN): this machine has no GPIO "
                 "the kernel knows of\n");
    return 1;
  }
  std::fputs(describeGpioChips(*list).c_str(), stdout);
  std::printf(
      "\nA free line goes into a pulse or gpio sensor as its chip: and line: (docs/sensors.md)."
      "\n");
  return 0;
}

}  // namespace sckd
