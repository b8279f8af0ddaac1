#pragma once
// The subcommands of `sckd` besides `run` (daemon.h). Each returns the process exit code
// documented in docs/sckd.8 and prints for a person, or JSON where asked.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "daemon/sampling/hardware.h"
#include "drivers/bus/host_paths.h"

namespace sckd {

// Exit codes shared by the commands (docs/sckd.8, EXIT STATUS).
inline constexpr int kExitUsage = 64;
inline constexpr int kExitCheckFailed = 3;

struct CheckOptions {
  std::string configPath;
  bool offline = false;     // do not try the broker
  bool configOnly = false;  // validate the file and stop
};
int checkCommand(const CheckOptions& options, const Hardware& hardware);

struct StatusOptions {
  std::string configPath;
  bool json = false;
  bool ascii = false;  // no UTF-8 units or sparklines, whatever the terminal says
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

// `sckd ids` (daemon/cli/ids.h builds what it prints).
struct IdsOptions {
  std::string configPath;
  bool json = false;
};
int idsCommand(const IdsOptions& options);

class I2cBus;
struct ScanOptions {
  std::optional<int> bus;          // /dev/i2c-N; default: every bus that exists
  std::string deviceDir = "/dev";  // for tests
  HostPaths host;                  // for tests: the 1-wire, IIO and serial part's sysfs and /dev
};
int scanCommand(const ScanOptions& options);

// The 1-wire probes (each read once), the IIO devices with their channels and values, and
// the serial ports, each with the YAML that configures it. `found` grows by the probes and
// devices sckd can read.
std::string describeKernelSensors(const HostPaths& host, int& found);

// `sckd scan --gpio`: the chips, their lines and who holds them; a YAML key pair for each
// free line. describeGpioChips is the text, apart so tests check it on fake chips.
std::string describeGpioChips(const std::vector<GpioChipInfo>& chips);
int scanGpioCommand(GpioChips& chips);

// One bus probed at 0x08..0x77 (the probe per address chosen as i2cdetect does). Apart from
// scanCommand so tests run it on a fake bus.
struct BusScan {
  enum class State : std::uint8_t { NotProbed, Empty, Found, Busy };
  std::array<State, 128> states{};
  std::vector<std::string> errors;  // "0x50: Input/output error": neither an ACK nor a NACK
};
BusScan scanBus(I2cBus& bus);
// The i2cdetect-style grid, what may sit at each answering address, and the config lines.
std::string formatScan(int busNumber, const BusScan& scan);

}  // namespace sckd
