#include "config/units.h"

#include <array>
#include <charconv>
#include <limits>
#include <utility>

namespace sckd::config_detail {
namespace {

// Splits "123unit" into its digits and unit; no sign, no fraction, no spaces.
std::optional<std::pair<std::uint64_t, std::string_view>> splitNumberUnit(std::string_view text) {
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  if (digits == 0) return std::nullopt;
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + digits, value);
  if (ec != std::errc() || end != text.data() + digits) return std::nullopt;
  return std::pair{value, text.substr(digits)};
}

struct Unit {
  std::string_view name;
  std::uint64_t factor;
};

constexpr std::array<Unit, 4> kDurationUnits{{{"s", 1}, {"m", 60}, {"h", 3600}, {"d", 86400}}};
constexpr std::array<Unit, 2> kMillisUnits{{{"ms", 1}, {"s", 1000}}};
constexpr std::uint64_t kKi = 1024;
constexpr std::array<Unit, 9> kSizeUnits{{{"B", 1},
                                          {"kB", 1000},
                                          {"MB", 1000'000},
                                          {"GB", 1000'000'000},
                                          {"TB", 1000'000'000'000},
                                          {"KiB", kKi},
                                          {"MiB", kKi* kKi},
                                          {"GiB", kKi* kKi* kKi},
                                          {"TiB", kKi* kKi* kKi* kKi}}};

template <std::size_t N>
std::optional<std::uint64_t> scale(std::string_view text, const std::array<Unit, N>& units,
                                   std::uint64_t limit) {
  auto split = splitNumberUnit(text);
  if (!split) return std::nullopt;
  auto [value, unit] = *split;
  std::uint64_t factor = 0;
  if (unit.empty()) {
    factor = 1;
  } else {
    for (const Unit& u : units) {
      if (u.name == unit) factor = u.factor;
    }
  }
  if (factor == 0 || value > limit / factor) return std::nullopt;
  return value * factor;
}

}  // namespace

std::optional<std::int64_t> parseDuration(std::string_view text) {
  auto seconds = scale(text, kDurationUnits,
                       static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()));
  if (!seconds) return std::nullopt;
  return static_cast<std::int64_t>(*seconds);
}

std::optional<std::int64_t> parseMillis(std::string_view text) {
  auto split = splitNumberUnit(text);
  if (!split || split->second.empty()) return std::nullopt;  // the unit is required
  auto millis = scale(text, kMillisUnits, 86'400'000);
  if (!millis) return std::nullopt;
  return static_cast<std::int64_t>(*millis);
}

std::optional<std::uint64_t> parseSize(std::string_view text) {
  return scale(text, kSizeUnits, std::numeric_limits<std::uint64_t>::max());
}

std::string formatDuration(std::int64_t seconds) {
  if (seconds > 0) {
    for (auto it = kDurationUnits.rbegin(); it != kDurationUnits.rend(); ++it) {
      auto factor = static_cast<std::int64_t>(it->factor);
      if (seconds % factor == 0) return std::to_string(seconds / factor) + std::string(it->name);
    }
  }
  return std::to_string(seconds) + "s";
}

std::string formatMillis(std::int64_t millis) {
  if (millis > 0 && millis % 1000 == 0) return std::to_string(millis / 1000) + "s";
  return std::to_string(millis) + "ms";
}

std::string formatSize(std::uint64_t bytes) {
  if (bytes > 0) {
    // Prefer the biggest unit that divides exactly, decimal before binary.
    for (auto it = kSizeUnits.rbegin(); it != kSizeUnits.rend(); ++it) {
      if (it->factor > 1 && bytes % it->factor == 0 && it->name.find('i') == std::string::npos) {
        return std::to_string(bytes / it->factor) + std::string(it->name);
      }
    }
    for (auto it = kSizeUnits.rbegin(); it != kSizeUnits.rend(); ++it) {
      if (it->factor > 1 && bytes % it->factor == 0) {
        return std::to_string(bytes / it->factor) + std::string(it->name);
      }
    }
  }
  return std::to_string(bytes) + "B";
}

}  // namespace sckd::config_detail
