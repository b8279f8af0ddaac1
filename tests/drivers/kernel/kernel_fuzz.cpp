// libFuzzer target for the parsers of the kernel's sensor files: the first byte picks one
// (w1_slave, a sysfs number, an IIO raw value with its scale and offset, /proc/net/wireless,
// /proc/meminfo), the rest is the file's text. A parser must never crash, never return a
// non-finite value as a success, and never put a control byte into an error message (they
// end up in the log).

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "drivers/kernel/iio.h"
#include "drivers/kernel/sysfs_text.h"
#include "drivers/kernel/system_health.h"
#include "drivers/kernel/w1.h"

namespace {

void check(const sckd::Result<double>& r) {
  if (r.ok()) {
    if (!std::isfinite(*r)) std::abort();
    return;
  }
  for (char c : r.error().message) {
    if (static_cast<unsigned char>(c) < 0x20) std::abort();
  }
}

// Splits `text` at its first two NUL bytes: raw, scale, offset.
void iio(std::string_view text, const sckd::IioChannelKind& kind) {
  std::string_view parts[3];
  for (int i = 0; i < 2; ++i) {
    const std::size_t nul = text.find('\0');
    parts[i] = text.substr(0, nul);
    text = nul == std::string_view::npos ? std::string_view() : text.substr(nul + 1);
  }
  parts[2] = text;
  check(sckd::iioRawValue(parts[0], parts[1], parts[2], kind, "iio:device0/in_x"));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t selector = data[0];
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (selector % 5) {
    case 0: {
      sckd::Result<double> t = sckd::parseW1Slave(text, "w1_slave");
      // A reading only ever comes from a YES verdict.
      if (t.ok() && text.find("YES") == std::string_view::npos) std::abort();
      check(t);
      break;
    }
    case 1:
      check(sckd::parseSysfsNumber(text, "in_temp_input"));
      break;
    case 2: {
      const auto& kinds = sckd::iioChannelKinds();
      iio(text, kinds[(selector / 5) % kinds.size()]);
      break;
    }
    case 3:
      check(sckd::parseWirelessRssi(text, (selector & 0x80) != 0 ? "wlan0" : ""));
      break;
    default: {
      sckd::Result<double> free = sckd::parseMemoryFree(text);
      check(free);
      break;
    }
  }
  return 0;
}
