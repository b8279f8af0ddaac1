// The strict loader for /etc/sckd.yaml: the top level and the platform, publish, clock and
// outbox sections. Sensors are in sensors.cpp. yaml-cpp's exceptions stop here.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "config/config.h"
#include "config/config_internal.h"
#include "config/units.h"
#include "config/yaml_reader.h"
#include "daemon/base/file.h"
#include "daemon/base/unique_fd.h"

namespace sckd {
namespace {

using config_detail::Diagnostics;
using config_detail::Field;
using config_detail::findField;

constexpr std::size_t kMaxTokenLength = 128;
// The commented default config is about 3 KiB; a file 300 times that is not a config.
constexpr std::size_t kMaxConfigBytes = 1'000'000;  // "over 1 MB": no real config comes near
constexpr std::size_t kMaxClientIdLength = 128;
constexpr std::string_view kTokenHelp =
    "set it to your device's token from the Smart Citizen platform";

bool isPrintableAscii(char c) {
  return c > 0x20 && c < 0x7f;
}

// Enough to tell tokens apart in a message without giving the secret away.
std::string tokenHint(std::string_view token) {
  constexpr std::size_t kMinForHint = 6;
  if (token.size() < kMinForHint) return "the token";
  return "the token '" + config_detail::escaped(token.substr(0, 2)) + "...'";
}

std::string describeChar(char c) {
  switch (c) {
    case ' ':
      return "a space";
    case '\t':
      return "a tab";
    case '\n':
    case '\r':
      return "a line break";
    case '\0':
      return "a NUL byte";
    default:
      break;
  }
  if (std::isspace(static_cast<unsigned char>(c))) return "whitespace";
  return std::string("'") + c + "'";
}

// Returns whether the token is usable.
bool checkToken(const Field& f, const std::string& token, Diagnostics& diag) {
  if (token.empty()) {
    diag.add(f.pos, f.path, "missing: " + std::string(kTokenHelp));
    return false;
  }
  std::string hint = tokenHint(token);
  if (token.size() > kMaxTokenLength) {
    diag.add(f.pos, f.path,
             hint + " is " + std::to_string(token.size()) + " characters long; at most " +
                 std::to_string(kMaxTokenLength) + " are allowed");
    return false;
  }
  for (char c : token) {
    if (c == '/' || c == '+' || c == '#' || c == '\0' ||
        std::isspace(static_cast<unsigned char>(c))) {
      diag.add(f.pos, f.path,
               hint + " contains " + describeChar(c) +
                   ", which would break the MQTT topic device/sck/<token>/readings; " +
                   std::string(kTokenHelp));
      return false;
    }
  }
  if (!std::all_of(token.begin(), token.end(), isPrintableAscii)) {
    diag.add(f.pos, f.path, hint + " must be printable ASCII; " + std::string(kTokenHelp));
    return false;
  }
  for (std::string_view word : {"inventory", "raw"}) {
    if (token.find(word) != std::string::npos) {
      diag.add(f.pos, f.path,
               hint + " contains '" + std::string(word) +
                   "': the platform routes topics by substring, so "
                   "device/sck/<token>/readings would be taken for a " +
                   std::string(word) +
                   " message and every reading silently dropped; such a token cannot be "
                   "used (ask the platform for a new device token)");
      return false;
    }
  }
  return true;
}

std::string firstLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  if (in) std::getline(in, line);
  return line;
}

// Never the token alone: a broker drops the older of two sessions with one client id, and
// the official kit uses its token as its id.
std::string deriveClientId(const std::string& token) {
  std::string machine = firstLine("/etc/machine-id");
  if (machine.empty()) {
    std::array<char, 256> host{};
    if (gethostname(host.data(), host.size() - 1) == 0) machine = host.data();
  }
  std::string suffix;
  for (char c : machine) {
    if (isPrintableAscii(c) && suffix.size() < 8) suffix += c;
  }
  if (suffix.empty()) suffix = "unknown";
  return "sckd-" + token + "-" + suffix;
}

// Opens the file to see it is readable by us, not only present.
// Debian's whole bundle of public CAs is about 220 kB; a file far over it is not a CA file,
// and OpenSSL would parse all of it on every connection attempt.
constexpr off_t kMaxCaFileBytes = 2'000'000;

std::optional<std::string> unreadableReason(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return std::string(std::strerror(errno));
  struct stat st {};
  bool isFile = ::fstat(fd.get(), &st) == 0 && S_ISREG(st.st_mode);
  if (!isFile) return std::string("not a regular file");
  if (st.st_size > kMaxCaFileBytes) {
    return std::to_string(st.st_size / 1'000'000) + " MB is more than the " +
           std::to_string(kMaxCaFileBytes / 1'000'000) +
           " MB a file of CA certificates may have: is it the right file?";
  }
  return std::nullopt;
}

std::string resolve(const std::filesystem::path& baseDir, const std::string& path) {
  std::filesystem::path p(path);
  if (p.is_absolute() || baseDir.empty()) return path;
  return (baseDir / p).lexically_normal().string();
}

// Reads an optional section; nullopt when absent. An empty section (`clock:`) counts as
// present with nothing set.
std::optional<Field> section(const YAML::Node& root, std::string_view name,
                             const std::vector<std::string_view>& keys, Diagnostics& diag) {
  std::optional<Field> f = findField(root, "", name);
  if (!f || f->node.IsNull()) return std::nullopt;
  if (!config_detail::checkKeys(f->node, f->path, f->pos, keys, true, diag)) return std::nullopt;
  return f;
}

void readPlatform(const YAML::Node& root, SourcePos rootPos, const std::filesystem::path& baseDir,
                  Config& config, Diagnostics& diag) {
  PlatformConfig& p = config.platform;
  const std::vector<std::string_view> keys{"token",   "host",      "port",     "tls",
                                           "ca_file", "client_id", "keepalive"};
  std::optional<Field> sec = findField(root, "", "platform");
  if (!sec) {
    diag.add(rootPos, "platform",
             "missing: it must hold at least `token:`; " + std::string(kTokenHelp));
    return;
  }
  if (!config_detail::checkKeys(sec->node, sec->path, sec->pos, keys, true, diag)) return;
  const YAML::Node& map = sec->node;
  const std::string& path = sec->path;

  std::optional<Field> token = findField(map, path, "token");
  bool tokenOk = false;
  if (!token) {
    diag.add(sec->pos, "platform.token", "missing: " + std::string(kTokenHelp));
  } else if (token->node.IsNull()) {
    diag.add(token->pos, token->path, "missing: " + std::string(kTokenHelp));
  } else if (auto t = config_detail::readString(*token, diag)) {
    tokenOk = checkToken(*token, *t, diag);
    p.token = *t;
  }

  if (auto f = findField(map, path, "host")) {
    if (auto h = config_detail::readString(*f, diag)) {
      if (h->empty() || !std::all_of(h->begin(), h->end(), isPrintableAscii)) {
        diag.add(f->pos, f->path,
                 "expected a host name or address without spaces, e.g. mqtt.smartcitizen.me");
      } else {
        p.host = *h;
      }
    }
  }
  if (auto f = findField(map, path, "tls")) {
    if (auto b = config_detail::readBool(*f, diag)) p.tls = *b;
  }
  p.port = p.tls ? 8883 : 1883;
  if (auto f = findField(map, path, "port")) {
    if (auto v = config_detail::readInt(*f, 1, 65535, diag)) p.port = static_cast<int>(*v);
  }

  std::optional<Field> ca = findField(map, path, "ca_file");
  bool caOk = true;
  if (ca) {
    auto c = config_detail::readString(*ca, diag);
    if (c && c->empty()) {
      diag.add(ca->pos, ca->path, "expected the path of a PEM file of CA certificates");
      caOk = false;
    } else if (c) {
      p.caFile = resolve(baseDir, *c);
    } else {
      caOk = false;
    }
  }
  if (p.tls && caOk) {
    if (auto why = unreadableReason(p.caFile)) {
      diag.add(ca ? ca->pos : sec->pos, "platform.ca_file",
               "cannot read " + p.caFile + ": " + *why +
                   " (needed because tls is true; set ca_file to a readable PEM file)");
    }
  }

  if (auto f = findField(map, path, "client_id")) {
    if (auto c = config_detail::readString(*f, diag)) {
      if (c->size() > kMaxClientIdLength || !std::all_of(c->begin(), c->end(), isPrintableAscii)) {
        diag.add(f->pos, f->path,
                 "expected 1 to 128 printable ASCII characters without spaces, or \"\" to "
                 "derive one from the token and the machine id");
      }
      p.clientId = *c;
    }
  }
  if (p.clientId.empty() && tokenOk) p.clientId = deriveClientId(p.token);

  if (auto f = findField(map, path, "keepalive")) {
    if (auto s = config_detail::readDuration(*f, 5, 3600, diag)) {
      p.keepalive = std::chrono::seconds(*s);
    }
  }
}

// 1 to 128 characters of letters, digits, '_', '-', '.', in levels joined by single '/':
// a topic prefix that can never hold an MQTT wildcard or an empty level.
bool isTopicPrefix(std::string_view text) {
  if (text.empty() || text.size() > 128 || text.front() == '/' || text.back() == '/') return false;
  char previous = 0;
  for (char c : text) {
    const bool plain =
        std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
    if (!plain && c != '/') return false;
    if (c == '/' && previous == '/') return false;
    previous = c;
  }
  return true;
}

void readLocal(const YAML::Node& root, Config& config, Diagnostics& diag) {
  std::optional<Field> sec = findField(root, "", "local");
  if (!sec) return;
  LocalConfig local;
  // `local:` alone turns the copy on with every default.
  if (!sec->node.IsNull()) {
    if (!config_detail::checkKeys(sec->node, sec->path, sec->pos,
                                  {"host", "port", "topic_prefix", "discovery_prefix"}, true,
                                  diag)) {
      return;
    }
    const YAML::Node& map = sec->node;
    const std::string& path = sec->path;
    if (auto f = findField(map, path, "host")) {
      if (auto h = config_detail::readString(*f, diag)) {
        if (h->empty() || !std::all_of(h->begin(), h->end(), isPrintableAscii)) {
          diag.add(f->pos, f->path,
                   "expected the host name or address of the local MQTT broker without spaces, "
                   "e.g. localhost or 192.168.1.10");
        } else {
          local.host = *h;
        }
      }
    }
    if (auto f = findField(map, path, "port")) {
      if (auto v = config_detail::readInt(*f, 1, 65535, diag)) local.port = static_cast<int>(*v);
    }
    for (auto [key, target] : {std::pair{"topic_prefix", &local.topicPrefix},
                               std::pair{"discovery_prefix", &local.discoveryPrefix}}) {
      auto f = findField(map, path, key);
      if (!f) continue;
      auto t = config_detail::readString(*f, diag);
      if (!t) continue;
      if (!isTopicPrefix(*t)) {
        diag.add(
            f->pos, f->path,
            "expected an MQTT topic prefix: 1 to 128 letters, digits, '_', '-' or '.', "
            "levels joined by single '/', no '+', '#' or spaces (e.g. " +
                std::string(key == std::string_view("topic_prefix") ? "sckd" : "homeassistant") +
                ")");
        continue;
      }
      *target = *t;
    }
  }
  config.local = local;
}

void readSections(const YAML::Node& root, SourcePos rootPos, const std::filesystem::path& baseDir,
                  const SensorSchemas& drivers, Config& config, Diagnostics& diag) {
  readPlatform(root, rootPos, baseDir, config, diag);

  if (auto sec =
          section(root, "publish", {"max_readings_per_message", "max_messages_per_second"}, diag)) {
    if (auto f = findField(sec->node, sec->path, "max_readings_per_message")) {
      if (auto v = config_detail::readInt(*f, 1, 1000, diag)) {
        config.publish.maxReadingsPerMessage = static_cast<int>(*v);
      }
    }
    if (auto f = findField(sec->node, sec->path, "max_messages_per_second")) {
      if (auto v = config_detail::readInt(*f, 0, 1000, diag)) {
        config.publish.maxMessagesPerSecond = static_cast<int>(*v);
      }
    }
  }

  if (auto sec = section(root, "clock", {"require_sync"}, diag)) {
    if (auto f = findField(sec->node, sec->path, "require_sync")) {
      if (auto b = config_detail::readBool(*f, diag)) config.clock.requireSync = *b;
    }
  }

  if (auto sec = section(root, "outbox", {"path", "max_size"}, diag)) {
    if (auto f = findField(sec->node, sec->path, "path")) {
      if (auto s = config_detail::readString(*f, diag)) {
        if (s->empty() || s->find('\0') != std::string::npos) {
          diag.add(f->pos, f->path, "expected the path of the outbox database file");
        } else {
          config.outbox.path = resolve(baseDir, *s);
        }
      }
    }
    if (auto f = findField(sec->node, sec->path, "max_size")) {
      if (auto v = config_detail::readSize(*f, 64 * 1024, 1000'000'000'000, diag)) {
        config.outbox.maxSize = *v;
      }
    }
  }

  config_detail::readSensors(findField(root, "", "sensors"), rootPos, drivers, config, diag);
  readLocal(root, config, diag);
}

std::filesystem::path directoryOf(std::string_view fileName) {
  std::error_code ec;
  std::filesystem::path file = std::filesystem::absolute(std::filesystem::path(fileName), ec);
  if (ec) return std::filesystem::path(fileName).parent_path();
  return file.parent_path();
}

Result<Config> parseText(std::string_view text, std::string_view fileName,
                         const SensorSchemas& drivers) {
  Diagnostics diag{std::string(fileName)};
  const std::vector<std::string_view> topKeys{"platform", "publish", "clock",
                                              "outbox",   "sensors", "local"};
  Config config;
  config.path = std::string(fileName);
  YAML::Node root;
  std::optional<SourcePos> second;
  try {
    std::string owned(text);
    root = YAML::Load(owned);
    second = config_detail::secondDocument(owned);
  } catch (const YAML::Exception& e) {
    SourcePos pos = config_detail::toPos(e.mark);
    return makeError(ErrorCode::Config, std::string(fileName) + ":" + std::to_string(pos.line) +
                                            ":" + std::to_string(pos.column) +
                                            ": YAML syntax error: " + e.msg);
  } catch (const std::exception& e) {
    return makeError(ErrorCode::Config,
                     std::string(fileName) + ":1:1: YAML syntax error: " + e.what());
  }

  if (second) {
    diag.add(*second, "(top level)", "a second YAML document: the config file holds exactly one");
  }
  if (root.IsNull()) {
    diag.add(SourcePos{1, 1}, "(top level)",
             "the file is empty: expected a map of keys (" + config_detail::joinNames(topKeys) +
                 "); see the commented /etc/sckd.yaml shipped with sckd");
    return makeError(ErrorCode::Config, diag.joined());
  }
  try {
    SourcePos rootPos = config_detail::toPos(root.Mark());
    if (config_detail::checkKeys(root, "", rootPos, topKeys, true, diag)) {
      readSections(root, rootPos, directoryOf(fileName), drivers, config, diag);
    }
  } catch (const std::exception& e) {
    // Not expected: the walk only reads nodes. Reported rather than thrown past this edge.
    diag.add(SourcePos{1, 1}, "(top level)", std::string("internal error: ") + e.what());
  }
  if (!diag.empty()) return makeError(ErrorCode::Config, diag.joined());
  return config;
}

const OptionValue* findOption(const SensorConfig& sensor, std::string_view key) {
  auto it = sensor.options.find(key);
  return it == sensor.options.end() ? nullptr : &it->second;
}

}  // namespace

Result<Config> parseConfig(std::string_view text, std::string_view fileName,
                           const SensorSchemas& drivers) {
  return parseText(text, fileName, drivers);
}

Result<Config> loadConfig(const std::string& path, const SensorSchemas& schemas) {
  Result<std::string> text = readFileBounded(path, kMaxConfigBytes);
  if (!text.ok()) return text.error();
  return parseText(*text, path, schemas);
}

std::string defaultConfigPath() {
  const char* env = std::getenv("SCKD_CONFIG");
  if (env != nullptr && *env != '\0') return env;
  return std::string(kDefaultConfigPath);
}

// The loader guarantees every option of a driver's spec with a default is present and of
// its type; a missing or mistyped one is a driver bug, answered with a zero value.
std::int64_t optionInt(const SensorConfig& sensor, std::string_view key) {
  const OptionValue* v = findOption(sensor, key);
  if (v == nullptr) return 0;
  if (const auto* i = std::get_if<std::int64_t>(v)) return *i;
  if (const auto* d = std::get_if<double>(v)) return static_cast<std::int64_t>(*d);
  return 0;
}

double optionDouble(const SensorConfig& sensor, std::string_view key) {
  const OptionValue* v = findOption(sensor, key);
  if (v == nullptr) return 0;
  if (const auto* d = std::get_if<double>(v)) return *d;
  if (const auto* i = std::get_if<std::int64_t>(v)) return static_cast<double>(*i);
  return 0;
}

const std::string& optionString(const SensorConfig& sensor, std::string_view key) {
  static const std::string kEmpty;
  const OptionValue* v = findOption(sensor, key);
  if (v == nullptr) return kEmpty;
  if (const auto* s = std::get_if<std::string>(v)) return *s;
  return kEmpty;
}

bool optionBool(const SensorConfig& sensor, std::string_view key) {
  const OptionValue* v = findOption(sensor, key);
  if (v == nullptr) return false;
  if (const auto* b = std::get_if<bool>(v)) return *b;
  return false;
}

bool hasOption(const SensorConfig& sensor, std::string_view key) {
  return findOption(sensor, key) != nullptr;
}

bool sameSensor(const SensorConfig& a, const SensorConfig& b) {
  return a.name == b.name && a.driver == b.driver && a.bus == b.bus && a.address == b.address &&
         a.interval == b.interval && a.ids == b.ids && a.options == b.options;
}

double calibrated(const SensorConfig& sensor, std::string_view quantity, double value) {
  auto c = sensor.calibrate.find(quantity);
  if (c == sensor.calibrate.end()) return value;
  // Scale first, then offset: the offset is in the quantity's own unit, as stored.
  return value * c->second.scale + c->second.offset;
}

}  // namespace sckd
