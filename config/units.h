#pragma once
// Durations and sizes as the config file writes them: "90s", "5m", "256MB", "64KiB".

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sckd::config_detail {

inline constexpr std::string_view kDurationForms =
    "an integer number of seconds or a whole number with a unit s, m, h or d "
    "(\"90s\", \"5m\", \"1h\", \"7d\")";
inline constexpr std::string_view kMillisForms =
    "a whole number with a unit ms or s (\"20ms\", \"1s\")";
inline constexpr std::string_view kSizeForms =
    "an integer number of bytes or a whole number with a unit B, kB, MB, GB, TB "
    "(powers of 1000) or KiB, MiB, GiB, TiB (powers of 1024), e.g. \"256MB\", \"64KiB\"";

// Seconds from "90", "90s", "5m", "1h", "7d"; nullopt for any other form or on overflow.
std::optional<std::int64_t> parseDuration(std::string_view text);
// Milliseconds from "20ms", "1s": a short duration (a switch's debounce) always names its
// unit, since a bare "20" would read as 20 seconds and silently swallow every pulse.
std::optional<std::int64_t> parseMillis(std::string_view text);
// Bytes from "1024", "512kB", "1GiB"; nullopt for any other form or on overflow.
std::optional<std::uint64_t> parseSize(std::string_view text);

// The shortest exact spelling: 3600 -> "1h", 90 -> "90s"; 256000000 -> "256MB".
std::string formatDuration(std::int64_t seconds);
std::string formatMillis(std::int64_t millis);  // 1000 -> "1s", 20 -> "20ms"
std::string formatSize(std::uint64_t bytes);

}  // namespace sckd::config_detail
