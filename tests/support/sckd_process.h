#pragma once
// The real sckd binary as a child process (path from $SCKD_BIN), with stdout and stderr
// captured to files, plus writers for the configs the integration tests use.

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sckd::testing {

inline constexpr const char* kTestToken = "it0test";

struct SimSensor {
  int id = 0;
  std::string name;  // empty: the daemon's default name
  std::string interval = "1s";
  std::string waveform = "counter";
  std::string extraLines = {};  // appended verbatim to the sensor's entry ("    fail_every: 1\n")
};

struct SckdConfig {
  std::string token = kTestToken;
  std::string host = "127.0.0.1";
  int port = 0;
  bool tls = false;
  std::string caFile;        // only written when non-empty
  int keepaliveSeconds = 0;  // 0: not written (the daemon's default, 60 s)
  bool requireSync = false;  // clock.require_sync: tests run on machines without NTP
  std::string outboxPath;
  int maxMessagesPerSecond = 0;
  int maxReadingsPerMessage = 0;  // 0: not written (the daemon's default)
  std::vector<SimSensor> sensors;
  std::string extraSensors;   // appended verbatim to the sensors list ("  - driver: sht31\n...")
  std::string extraTopLevel;  // appended verbatim, for tests that break the file on purpose

  std::string toYaml() const;
};

// "device/sck/<token>/readings"
std::string readingsTopic(const std::string& token = kTestToken);

// A file or directory of the test's shown to sckd in place of a real one.
struct BindMount {
  std::string source;  // the test's
  std::string target;  // where sckd sees it: "/etc/resolv.conf", "/sys/bus"
};

class SckdProcess {
 public:
  // Spawns `$SCKD_BIN args...`; stderr goes to `logPath`, stdout to `logPath + ".out"`.
  // nullptr (and a gtest failure) when SCKD_BIN is unset or fork fails.
  // `extraEnv` ("NAME=value") is added to the child's environment (replacing a variable of
  // the same name), e.g. NOTIFY_SOCKET.
  // `binds` are bind-mounted in a mount namespace of the child's own (needs root): a
  // resolv.conf naming the test's resolver, a sysfs tree with the test's 1-wire probes.
  static std::unique_ptr<SckdProcess> spawn(const std::vector<std::string>& args,
                                            const std::string& logPath,
                                            const std::vector<std::string>& extraEnv = {},
                                            const std::vector<BindMount>& binds = {});
  // `sckd run --config configPath`
  static std::unique_ptr<SckdProcess> run(const std::string& configPath,
                                          const std::string& logPath);
  ~SckdProcess();  // SIGKILLs and reaps a child still running
  SckdProcess(const SckdProcess&) = delete;
  SckdProcess& operator=(const SckdProcess&) = delete;

  pid_t pid() const { return pid_; }
  bool running();  // false once it has exited (and been reaped)
  void kill(int signal);
  // The raw wait status once it exits within `timeout`, nullopt if it is still running.
  std::optional<int> waitExit(std::chrono::milliseconds timeout);
  std::string log() const;     // stderr so far
  std::string output() const;  // stdout so far
  const std::string& logPath() const { return logPath_; }

 private:
  SckdProcess() = default;
  pid_t pid_ = -1;
  std::optional<int> status_;
  std::string logPath_;
};

// Human-readable form of a wait status ("exit 1", "signal 9").
std::string describeStatus(int status);

}  // namespace sckd::testing
