#pragma once
// The subcommands of `sckd` besides `run` (daemon.h). Each returns the process exit code
// documented in interface.md and prints for a person, or JSON where asked.

#include <optional>
#include <string>

namespace sckd {

// Exit codes shared by the commands (interface.md).
inline constexpr int kExitUsage = 64;
inline constexpr int kExitCheckFailed = 3;

struct CheckOptions {
  std::string configPath;
  bool offline = false;     // do not try the broker
  bool configOnly = false;  // validate the file and stop
};
int checkCommand(const CheckOptions& options);

struct StatusOptions {
  std::string configPath;
  bool json = false;
};
int statusCommand(const StatusOptions& options);

struct TailOptions {
  std::string configPath;
  std::optional<std::string> token;  // instead of the config's
  bool all = false;                  // every device: device/sck/+/readings
  std::optional<std::string> shareGroup;
  bool json = false;
};
int tailCommand(const TailOptions& options);

}  // namespace sckd
