#include "daemon/cli/cli.h"

#include <cstdio>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "daemon/base/log.h"
#include "daemon/cli/commands.h"
#include "daemon/daemon.h"
#include "sckd_version.h"

namespace sckd {
namespace {

constexpr std::string_view kUsage =
    "usage: sckd [run] [--config PATH] [--verbose]\n"
    "       sckd check [--config PATH] [--offline] [--config-only]\n"
    "       sckd status [--config PATH] [--json] [--ascii]\n"
    "       sckd tail [--config PATH] [--token TOKEN | --all] [--share GROUP] [--json]\n"
    "       sckd scan [--bus N] | sckd scan --gpio\n"
    "       sckd ids [--config PATH] [--json]\n"
    "       sckd --version | --help | COMMAND --help\n";

constexpr std::string_view kHelp =
    "sckd: a Smart Citizen gateway. Reads the sensors in the config, keeps every reading in an\n"
    "outbox on disk, and delivers them to the Smart Citizen platform over MQTT.\n"
    "\n"
    "commands:\n"
    "  run      the daemon (the default; what systemd starts); logs to stderr\n"
    "  check    validate the config, take one reading from each sensor, check the outbox\n"
    "           and the broker; publishes nothing\n"
    "  status   each sensor's last values, the queue, deliveries and the broker\n"
    "  tail     print the readings the platform's broker receives for this device\n"
    "  scan     list the addresses that answer on the I2C buses and the chips they may be,\n"
    "           the 1-wire probes, IIO devices and serial ports; --gpio: the GPIO lines\n"
    "  ids      the platform sensor ids sckd knows, which drivers use each by default, and\n"
    "           the ids the config publishes: pick an unused one for a new sensor\n"
    "\n"
    "options:\n"
    "  --config PATH   the config file (default /etc/sckd.yaml, or $SCKD_CONFIG)\n"
    "  --version       print the version\n"
    "  --help          this text; `sckd COMMAND --help` for a command's options\n";

struct Parsed {
  std::map<std::string, std::string, std::less<>> values;
  std::map<std::string, bool, std::less<>> flags;
  bool help = false;
};

// One command: its accepted options (flags, and options taking a value), its help, and
// what runs it.
struct Spec {
  std::vector<std::string_view> flags;
  std::vector<std::string_view> valued;
  std::string_view help;
  int (*run)(const Parsed& parsed, const Hardware& hardware);
};

int usageError(std::string_view what) {
  std::fprintf(stderr, "sckd: %.*s\n%.*s", static_cast<int>(what.size()), what.data(),
               static_cast<int>(kUsage.size()), kUsage.data());
  return kExitUsage;
}

// Returns nothing after printing a usage error.
std::optional<Parsed> parseOptions(const Spec& spec, const std::vector<std::string>& args) {
  Parsed parsed;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string arg = args[i];
    if (arg == "--help" || arg == "-h") {
      parsed.help = true;
      continue;
    }
    std::optional<std::string> inlineValue;
    if (auto eq = arg.find('='); arg.rfind("--", 0) == 0 && eq != std::string::npos) {
      inlineValue = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
    }
    auto is = [&](const std::vector<std::string_view>& list) {
      for (auto name : list)
        if (name == arg) return true;
      return false;
    };
    if (is(spec.flags) && !inlineValue) {
      parsed.flags[arg] = true;
    } else if (is(spec.valued)) {
      if (!inlineValue && i + 1 >= args.size()) {
        usageError("option " + arg + " needs a value");
        return std::nullopt;
      }
      parsed.values[arg] = inlineValue ? *inlineValue : args[++i];
    } else {
      usageError("unknown option '" + args[i] + "'");
      return std::nullopt;
    }
  }
  return parsed;
}

std::string configFrom(const Parsed& parsed) {
  auto it = parsed.values.find("--config");
  return it != parsed.values.end() ? it->second : defaultConfigPath();
}

bool has(const Parsed& parsed, std::string_view flag) {
  return parsed.flags.count(flag) > 0;
}

std::optional<std::string> valueOf(const Parsed& parsed, std::string_view option) {
  auto it = parsed.values.find(option);
  if (it == parsed.values.end()) return std::nullopt;
  return it->second;
}

int runCommandFromCli(const Parsed& parsed, const Hardware& hardware) {
  if (has(parsed, "--verbose")) log::setLevel(log::Level::Debug);
  static const SystemClock clock;
  return Daemon::run(configFrom(parsed), hardware, clock);
}

int checkCommandFromCli(const Parsed& parsed, const Hardware& hardware) {
  return checkCommand({configFrom(parsed), has(parsed, "--offline"), has(parsed, "--config-only")},
                      hardware);
}

int statusCommandFromCli(const Parsed& parsed, const Hardware&) {
  return statusCommand({configFrom(parsed), has(parsed, "--json"), has(parsed, "--ascii")});
}

int tailCommandFromCli(const Parsed& parsed, const Hardware&) {
  TailOptions tail;
  tail.configPath = configFrom(parsed);
  tail.all = has(parsed, "--all");
  tail.json = has(parsed, "--json");
  tail.token = valueOf(parsed, "--token");
  tail.shareGroup = valueOf(parsed, "--share");
  if (tail.all && tail.token) return usageError("--token and --all exclude each other");
  return tailCommand(tail);
}

int scanCommandFromCli(const Parsed& parsed, const Hardware& hardware) {
  if (has(parsed, "--gpio")) {
    if (valueOf(parsed, "--bus")) return usageError("--gpio and --bus exclude each other");
    std::unique_ptr<GpioChips> chips = hardware.makeGpioChips();
    return scanGpioCommand(*chips);
  }
  ScanOptions scan;
  if (std::optional<std::string> text = valueOf(parsed, "--bus")) {
    if (text->empty() || text->size() > 4 ||
        text->find_first_not_of("0123456789") != std::string::npos) {
      return usageError("--bus takes a bus number (N in /dev/i2c-N), not '" + *text + "'");
    }
    scan.bus = std::stoi(*text);
  }
  return scanCommand(scan);
}

int idsCommandFromCli(const Parsed& parsed, const Hardware&) {
  return idsCommand({configFrom(parsed), has(parsed, "--json")});
}

// One command's accepted options: flags, and options taking a value.
const std::map<std::string_view, Spec>& commandSpecs() {
  static const std::map<std::string_view, Spec> specs = {
      {"run",
       {{"--verbose"},
        {"--config"},
        "sckd run [--config PATH] [--verbose]\n"
        "  Runs the daemon in the foreground until SIGTERM or SIGINT; SIGHUP reloads the\n"
        "  config (a config that fails validation is not applied). --verbose logs debug lines.\n"
        "  exit: 0 clean stop, 1 config invalid, 2 fatal runtime error\n",
        runCommandFromCli}},
      {"check",
       {{"--offline", "--config-only"},
        {"--config"},
        "sckd check [--config PATH] [--offline] [--config-only]\n"
        "  Validates the config, opens each sensor and takes one reading, checks the\n"
        "  outbox is writable and the broker reachable (not with --offline).\n"
        "  --config-only stops after validating the file. Never publishes.\n"
        "  exit: 0 all good, 1 config invalid, 3 a sensor, the outbox or the broker failed\n",
        checkCommandFromCli}},
      {"status",
       {{"--json", "--ascii"},
        {"--config"},
        "sckd status [--config PATH] [--json] [--ascii]\n"
        "  Whether the daemon runs; each sensor's last values with their age and a\n"
        "  sparkline of the last hour, failing sensors first with their last error; the\n"
        "  broker; readings queued, delivered and dropped (the outbox is read read-only,\n"
        "  safe while the daemon runs). --ascii: no UTF-8 characters. --json: for scripts.\n"
        "  exit: 0, or 1 when the outbox cannot be read\n",
        statusCommandFromCli}},
      {"tail",
       {{"--all", "--json"},
        {"--config", "--token", "--share"},
        "sckd tail [--config PATH] [--token TOKEN | --all] [--share GROUP] [--json]\n"
        "  Subscribes to this device's readings on the broker and prints each value on a\n"
        "  line, with the sensor's name when the platform id is known. --all: every\n"
        "  device; --share GROUP: through the shared subscription $share/GROUP/...,\n"
        "  so several tails split the messages. Ctrl-C stops it (exit 0).\n",
        tailCommandFromCli}},
      {"scan",
       {{"--gpio"},
        {"--bus"},
        "sckd scan [--bus N] | sckd scan --gpio\n"
        "  Probes every address 0x08..0x77 on /dev/i2c-N (default: every bus), prints a\n"
        "  grid like i2cdetect, the known chips that may sit at each address that answered\n"
        "  and the lines to add to the config. UU: a kernel driver owns the address.\n"
        "  Without --bus it then lists the 1-wire probes (each read once), the IIO devices\n"
        "  with their channels and values, and the serial ports, with their config lines.\n"
        "  --gpio: lists the GPIO chips (name, label), their lines, which are in use and by\n"
        "  whom, and the chip: and line: of each free one.\n"
        "  exit: 0, or 1 when no I2C bus can be opened and no 1-wire probe or IIO device\n"
        "  is there (--gpio: no GPIO chip)\n",
        scanCommandFromCli}},
      {"ids",
       {{"--json"},
        {"--config"},
        "sckd ids [--config PATH] [--json]\n"
        "  Lists the platform sensor ids sckd knows: what each measures, its unit, the\n"
        "  drivers that publish under it unless the config says otherwise, and which of\n"
        "  the config's sensors use it; then every id the config publishes, and whether it\n"
        "  is the driver's default, a borrowed generic id or set in the config. A config\n"
        "  that cannot be read is reported on stderr; the known ids are still listed.\n"
        "  --json: one object with the arrays \"known\" and \"config\".\n"
        "  exit: 0 (also when the config cannot be read)\n",
        idsCommandFromCli}},
  };
  return specs;
}

}  // namespace

int runCli(int argc, char** argv, const Hardware& hardware) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && (args[0] == "--version" || args[0] == "-V")) {
    std::printf("sckd %s\n", SCKD_VERSION);
    return 0;
  }
  if (!args.empty() && (args[0] == "--help" || args[0] == "-h")) {
    std::printf("%.*s\n%.*s", static_cast<int>(kUsage.size()), kUsage.data(),
                static_cast<int>(kHelp.size()), kHelp.data());
    return 0;
  }
  std::string command = "run";  // `sckd` alone, or `sckd --config X`, is the daemon
  if (!args.empty() && args[0].rfind("-", 0) != 0) {
    command = args[0];
    args.erase(args.begin());
  }
  auto spec = commandSpecs().find(command);
  if (spec == commandSpecs().end()) return usageError("unknown command '" + command + "'");
  std::optional<Parsed> parsed = parseOptions(spec->second, args);
  if (!parsed) return kExitUsage;
  if (parsed->help) {
    std::printf("%.*s", static_cast<int>(spec->second.help.size()), spec->second.help.data());
    return 0;
  }
  return spec->second.run(*parsed, hardware);
}

}  // namespace sckd
