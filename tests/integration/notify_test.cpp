// The systemd side, without systemd: sckd started with NOTIFY_SOCKET pointing at a datagram
// socket of the test's, exactly as the service manager would, and with JOURNAL_STREAM naming
// its stderr, as journald would.

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "tests/integration/rig.h"

namespace sckd::testing {
namespace {

// A bound AF_UNIX datagram socket collecting what sd_notify sends.
class NotifySocket {
 public:
  explicit NotifySocket(const std::string& path) : path_(path) {
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
    bound_ = bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    timeval tv{0, 100'000};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  ~NotifySocket() { close(fd_); }
  bool bound() const { return bound_; }

  // Reads datagrams for `duration`, appending each one's lines to messages_.
  void collectFor(std::chrono::milliseconds duration) {
    const auto end = std::chrono::steady_clock::now() + duration;
    char buf[4096];
    while (std::chrono::steady_clock::now() < end) {
      ssize_t n = recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) continue;
      std::string datagram(buf, static_cast<std::size_t>(n));
      std::size_t start = 0;
      while (start < datagram.size()) {
        std::size_t nl = datagram.find('\n', start);
        if (nl == std::string::npos) nl = datagram.size();
        messages_.push_back(datagram.substr(start, nl - start));
        start = nl + 1;
      }
    }
  }
  const std::vector<std::string>& messages() const { return messages_; }
  std::size_t count(const std::string& exact) const {
    return static_cast<std::size_t>(std::count(messages_.begin(), messages_.end(), exact));
  }
  std::string lastStatus() const {
    for (auto it = messages_.rbegin(); it != messages_.rend(); ++it) {
      if (it->rfind("STATUS=", 0) == 0) return it->substr(7);
    }
    return "";
  }

 private:
  std::string path_;
  int fd_ = -1;
  bool bound_ = false;
  std::vector<std::string> messages_;
};

class Notify : public IntegrationTest {};

TEST_F(Notify, ReadyStatusWatchdogReloadAndStopping) {
  ASSERT_NO_FATAL_FAILURE(startBroker());
  config_.sensors.push_back({.id = 55, .name = "counter"});
  config_.sensors.push_back({.id = 56, .name = "broken", .extraLines = "    fail_every: 1\n"});
  ASSERT_NO_FATAL_FAILURE(writeConfig());
  NotifySocket notify(dir_.file("notify.sock"));
  ASSERT_TRUE(notify.bound());

  const std::string log = dir_.file("notify-sckd.log");
  auto sckd =
      SckdProcess::spawn({"run", "--config", configPath()}, log,
                         {"NOTIFY_SOCKET=" + dir_.file("notify.sock"), "WATCHDOG_USEC=1000000"});
  ASSERT_NE(sckd, nullptr);
  logPaths_.push_back(log);
  notify.collectFor(6500ms);

  ASSERT_FALSE(notify.messages().empty()) << sckd->log();
  EXPECT_EQ(notify.messages().front(), "READY=1") << "readiness comes first, once the loop runs";
  EXPECT_GE(notify.count("WATCHDOG=1"), 8u) << "a keep-alive every half of WatchdogSec (0.5 s)";
  const std::string status = notify.lastStatus();
  // What `systemctl status` shows: the failing sensor named with its error, the queue, the
  // last delivery and the broker, on one line.
  EXPECT_EQ(status.rfind("1 sensor ok, 1 failing (broken: read: simulated failure (fail_every: "
                         "1)); ",
                         0),
            0u)
      << status;
  EXPECT_NE(status.find(" queued; delivered "), std::string::npos) << status;
  EXPECT_NE(status.find(" s ago; broker connected"), std::string::npos) << status;

  sckd->kill(SIGHUP);
  notify.collectFor(1000ms);
  auto reloading = std::find(notify.messages().begin(), notify.messages().end(), "RELOADING=1");
  ASSERT_NE(reloading, notify.messages().end());
  EXPECT_NE(std::find(reloading, notify.messages().end(), "READY=1"), notify.messages().end())
      << "READY=1 again after the reload";

  sckd->kill(SIGTERM);
  notify.collectFor(1000ms);
  EXPECT_EQ(notify.count("STOPPING=1"), 1u);
  auto status2 = sckd->waitExit(3s);
  ASSERT_TRUE(status2.has_value());
  EXPECT_EQ(describeStatus(*status2), "exit 0");
}

TEST_F(Notify, UnderJournaldEachLineCarriesItsPriority) {
  ASSERT_NO_FATAL_FAILURE(startBroker());
  config_.sensors.push_back({.id = 55, .name = "counter"});
  ASSERT_NO_FATAL_FAILURE(writeConfig());
  const std::string log = dir_.file("journal-sckd.log");
  { std::ofstream(log).flush(); }
  struct stat st {};
  ASSERT_EQ(stat(log.c_str(), &st), 0);
  const std::string stream = std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
  auto sckd =
      SckdProcess::spawn({"run", "--config", configPath()}, log, {"JOURNAL_STREAM=" + stream});
  ASSERT_NE(sckd, nullptr);
  logPaths_.push_back(log);
  sleepFor(2500ms);
  sckd->kill(SIGTERM);
  ASSERT_TRUE(sckd->waitExit(3s).has_value());
  const std::string text = sckd->log();
  EXPECT_NE(text.find("<5>loop: sckd"), std::string::npos) << "startup is a notice:\n" << text;
  EXPECT_NE(text.find("<6>mqtt: connecting"), std::string::npos) << text;
  EXPECT_EQ(text.find("warning: "), std::string::npos)
      << "under journald the priority prefix replaces the spelled-out level:\n"
      << text;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    ASSERT_TRUE(line.size() > 3 && line[0] == '<' && line[2] == '>') << "unprefixed: " << line;
  }
}

}  // namespace
}  // namespace sckd::testing
