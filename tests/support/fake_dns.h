#pragma once
// A DNS server on UDP port 53 of a loopback address of its own (127.0.0.153), for tests
// that point a process's resolver at it (through a private /etc/resolv.conf bind-mounted
// in a mount namespace, see SckdProcess::spawn). It can swallow every query (a router
// whose uplink is down), answer NXDOMAIN (a misspelt name) or answer every A query with
// 127.0.0.1. Binding port 53 needs root: start() returns nullptr without it.

#include <atomic>
#include <memory>
#include <string>
#include <thread>

namespace sckd::testing {

class FakeDns {
 public:
  enum class Mode { Swallow, NoSuchName, Loopback };

  static constexpr const char* kAddress = "127.0.0.153";

  // nullptr when the port cannot be bound (not root, or taken); the reason in `why`.
  static std::unique_ptr<FakeDns> start(Mode mode, std::string* why);
  ~FakeDns();
  FakeDns(const FakeDns&) = delete;
  FakeDns& operator=(const FakeDns&) = delete;

  void setMode(Mode mode) { mode_ = mode; }
  int queriesSeen() const { return queries_.load(); }
  // A resolv.conf naming only this server, for a bind mount over /etc/resolv.conf.
  static std::string resolvConf();

 private:
  FakeDns() = default;
  void run();

  int fd_ = -1;
  int wakeFd_ = -1;
  std::atomic<Mode> mode_{Mode::Swallow};
  std::atomic<int> queries_{0};
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace sckd::testing
