// `sckd status`: what the outbox holds, read without touching it.
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "config/config.h"
#include "daemon/base/clock.h"
#include "daemon/cli/commands.h"
#include "daemon/cli/config_file.h"
#include "daemon/outbox/outbox.h"
#include "daemon/uplink/payload.h"

namespace sckd {
namespace {

std::string humanSize(std::uint64_t bytes) {
  char text[32];
  if (bytes < 10'000)
    std::snprintf(text, sizeof text, "%llu bytes", static_cast<unsigned long long>(bytes));
  else if (bytes < 10'000'000)
    std::snprintf(text, sizeof text, "%.1f kB", bytes / 1e3);
  else
    std::snprintf(text, sizeof text, "%.1f MB", bytes / 1e6);
  return text;
}

std::string when(std::optional<std::int64_t> t, std::int64_t now) {
  if (!t) return "never";
  std::int64_t age = now - *t;
  std::string ago = age < 120      ? std::to_string(age) + " s ago"
                    : age < 7200   ? std::to_string(age / 60) + " min ago"
                    : age < 172800 ? std::to_string(age / 3600) + " h ago"
                                   : std::to_string(age / 86400) + " days ago";
  if (age < 0) ago = "in the future";
  return formatRecordedAt(*t) + " (" + ago + ")";
}

nlohmann::json timeOrNull(std::optional<std::int64_t> t) {
  return t ? nlohmann::json(formatRecordedAt(*t)) : nlohmann::json(nullptr);
}

}  // namespace

int statusCommand(const StatusOptions& options) {
  Result<Config> config = loadCommandConfig(options.configPath);
  if (!config.ok()) {
    std::fprintf(stderr, "sckd status: the config is invalid, so the outbox path is unknown:\n%s\n",
                 config.error().message.c_str());
    return 1;
  }
  const std::string& path = config->outbox.path;
  Result<OutboxStats> stats = Outbox::readStats(path);
  if (!stats.ok()) {
    std::fprintf(stderr, "sckd status: %s\n", stats.error().message.c_str());
    return 1;
  }
  const std::int64_t now = toUnixSeconds(SystemClock().wall());
  if (options.json) {
    nlohmann::json out = {
        {"outbox", path},
        {"size_bytes", stats->sizeBytes},
        {"queued", stats->queued},
        {"oldest_queued", timeOrNull(stats->oldestRecordedAt)},
        {"newest_queued", timeOrNull(stats->newestRecordedAt)},
        {"delivered", stats->delivered},
        {"last_delivery", timeOrNull(stats->lastDeliveryAt)},
        {"dropped", stats->dropped},
        {"waiting_for_clock", stats->unstamped},
    };
    std::printf("%s\n", out.dump().c_str());
    return 0;
  }
  std::printf("outbox      %s (%s)\n", path.c_str(), humanSize(stats->sizeBytes).c_str());
  std::printf("queued      %llu readings\n", static_cast<unsigned long long>(stats->queued));
  if (stats->queued > 0) {
    std::printf("  oldest    %s\n", when(stats->oldestRecordedAt, now).c_str());
    std::printf("  newest    %s\n", when(stats->newestRecordedAt, now).c_str());
  }
  std::printf("delivered   %llu readings\n", static_cast<unsigned long long>(stats->delivered));
  std::printf("  last      %s\n", when(stats->lastDeliveryAt, now).c_str());
  if (stats->unstamped > 0) {
    std::printf("waiting     %llu readings for the clock to sync, then they are queued\n",
                static_cast<unsigned long long>(stats->unstamped));
  }
  if (stats->dropped > 0) {
    std::printf("dropped     %llu readings (outbox.max_size reached, or the clock never synced)\n",
                static_cast<unsigned long long>(stats->dropped));
  }
  return 0;
}

}  // namespace sckd
