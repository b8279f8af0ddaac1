#pragma once
// Logging to stderr. Under systemd (JOURNAL_STREAM names our stderr) each line carries an
// sd-daemon "<N>" priority prefix that journald turns into the entry's priority; on a
// terminal the level is spelled out instead. The device token is masked in every line.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "daemon/base/clock.h"

namespace sckd::log {

// Values are syslog priorities, as sd-daemon prefixes expect.
enum class Level : int { Error = 3, Warning = 4, Notice = 5, Info = 6, Debug = 7 };

// One per area, printed as the line's first word: "mqtt: connected to ...".
enum class Category { Loop, Config, Outbox, Mqtt, Driver, Clock, Cli };

std::string_view categoryName(Category c);

void setLevel(Level max);  // lines less important than `max` are dropped
// Every later line has this secret replaced by its first two characters and "****".
void setSecret(std::string secret);
std::string maskSecret(std::string_view secret);

void write(Level level, Category category, std::string_view message);

inline void error(Category c, std::string_view m) {
  write(Level::Error, c, m);
}
inline void warning(Category c, std::string_view m) {
  write(Level::Warning, c, m);
}
inline void notice(Category c, std::string_view m) {
  write(Level::Notice, c, m);
}
inline void info(Category c, std::string_view m) {
  write(Level::Info, c, m);
}
inline void debug(Category c, std::string_view m) {
  write(Level::Debug, c, m);
}

// For failures that repeat every tick: lets the first one through, then at most one line
// per `interval`, and reports how many were suppressed in between. Never silent.
class RateLimiter {
 public:
  explicit RateLimiter(std::chrono::seconds interval = std::chrono::seconds(60))
      : interval_(interval) {}
  // Returns true when a line may be written now; *suppressed receives how many calls were
  // refused since the last line that went through.
  bool allow(MonoTime now, std::uint64_t* suppressed);
  // Lets this line through whatever the interval (it is news: a new reason for the same
  // failure), counts it as the last line, and hands over what was held back before it.
  void force(MonoTime now, std::uint64_t* suppressed);
  void reset() {
    started_ = false;
    suppressed_ = 0;
  }

 private:
  std::chrono::seconds interval_;
  MonoTime last_{};
  bool started_ = false;
  std::uint64_t suppressed_ = 0;
};

}  // namespace sckd::log
