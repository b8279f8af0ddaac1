#include "daemon/base/log.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace sckd::log {
namespace {

Level g_level = Level::Info;
std::string g_secret;

// systemd sets JOURNAL_STREAM=<dev>:<inode> for a unit whose stderr goes to the journal.
bool stderrIsJournal() {
  const char* stream = std::getenv("JOURNAL_STREAM");
  if (stream == nullptr) return false;
  struct stat st = {};
  if (fstat(STDERR_FILENO, &st) != 0) return false;
  unsigned long long dev = 0, ino = 0;
  if (std::sscanf(stream, "%llu:%llu", &dev, &ino) != 2) return false;
  return dev == static_cast<unsigned long long>(st.st_dev) &&
         ino == static_cast<unsigned long long>(st.st_ino);
}

std::string_view levelWord(Level l) {
  switch (l) {
    case Level::Error:
      return "error: ";
    case Level::Warning:
      return "warning: ";
    default:
      return "";
  }
}

void replaceAll(std::string& text, std::string_view what, std::string_view with) {
  if (what.empty()) return;
  for (size_t pos = text.find(what); pos != std::string::npos;
       pos = text.find(what, pos + with.size())) {
    text.replace(pos, what.size(), with);
  }
}

}  // namespace

std::string_view categoryName(Category c) {
  switch (c) {
    case Category::Loop:
      return "loop";
    case Category::Config:
      return "config";
    case Category::Outbox:
      return "outbox";
    case Category::Mqtt:
      return "mqtt";
    case Category::Driver:
      return "sensor";
    case Category::Clock:
      return "clock";
    case Category::Cli:
      return "sckd";
  }
  return "sckd";
}

void setLevel(Level max) {
  g_level = max;
}
void setSecret(std::string secret) {
  g_secret = std::move(secret);
}

std::string maskSecret(std::string_view secret) {
  return std::string(secret.substr(0, 2)) + "****";
}

void write(Level lvl, Category category, std::string_view message) {
  if (static_cast<int>(lvl) > static_cast<int>(g_level)) return;
  static const bool journal = stderrIsJournal();
  std::string line;
  if (journal) {
    line += '<';
    line += std::to_string(static_cast<int>(lvl));
    line += '>';
  }
  line += categoryName(category);
  line += ": ";
  if (!journal) line += levelWord(lvl);
  line += message;
  // One event, one journal line: a message with newlines would split into several entries.
  for (char& ch : line) {
    if (ch == '\n' || ch == '\r') ch = ' ';
  }
  // Masking after building the line also catches a token embedded in a library's message.
  if (g_secret.size() >= 3) replaceAll(line, g_secret, maskSecret(g_secret));
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

bool RateLimiter::allow(MonoTime now, std::uint64_t* suppressed) {
  if (!started_ || now - last_ >= interval_) {
    started_ = true;
    last_ = now;
    if (suppressed != nullptr) *suppressed = suppressed_;
    suppressed_ = 0;
    return true;
  }
  ++suppressed_;
  return false;
}

void RateLimiter::force(MonoTime now, std::uint64_t* suppressed) {
  started_ = true;
  last_ = now;
  if (suppressed != nullptr) *suppressed = suppressed_;
  suppressed_ = 0;
}

}  // namespace sckd::log
