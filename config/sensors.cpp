// The `sensors:` list: common keys, bus and address, platform ids and driver options, then
// the rules across sensors (unique names, one sensor per platform id).

#include <cmath>
#include <cstdio>
#include <limits>
#include <map>

#include "config/config_internal.h"
#include "config/units.h"

namespace sckd::config_detail {
namespace {

constexpr int kDefaultBus = 1;
constexpr std::size_t kMaxNameLength = 64;
constexpr std::int64_t kMaxPlatformId = std::numeric_limits<int>::max();
constexpr std::int64_t kMaxSamples = 100;
// Samples closer than this leave a chip no time to convert, and keep a shared bus busy.
constexpr std::chrono::milliseconds kMinSampleGap{100};

// Where each quantity's platform id came from, for the duplicate-id message.
struct SensorExtra {
  std::string label;  // "sensors[indoor]" or "sensors[2]"
  std::map<std::string, std::pair<SourcePos, std::string>, std::less<>> idOrigin;  // pos, path
  SourcePos namePos;
  bool defaultName = false;
  bool onGpioLine = false;
  SourcePos addressPos;  // its `address:`, or the entry when the address is the default
};

bool validName(const std::string& name) {
  if (name.empty() || name.size() > kMaxNameLength) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string hexAddress(int address) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%02x", address);
  return buf;
}

std::string positionText(SourcePos pos) {
  return "line " + std::to_string(pos.line) + ", column " + std::to_string(pos.column);
}

const SensorSchema* lookup(const SensorSchemas& drivers, std::string_view name) {
  for (const SensorSchema& d : drivers) {
    if (d.driver == name) return &d;
  }
  return nullptr;
}

std::vector<std::string_view> driverNames(const SensorSchemas& drivers) {
  std::vector<std::string_view> names;
  for (const SensorSchema& d : drivers) names.push_back(d.driver);
  return names;
}

std::optional<OptionValue> readOption(const Field& f, const OptionSpec& spec, Diagnostics& diag) {
  bool ranged = spec.min <= spec.max;
  switch (spec.type) {
    case OptionType::Integer: {
      std::int64_t lo = ranged ? static_cast<std::int64_t>(std::ceil(spec.min))
                               : std::numeric_limits<std::int64_t>::min();
      std::int64_t hi = ranged ? static_cast<std::int64_t>(std::floor(spec.max))
                               : std::numeric_limits<std::int64_t>::max();
      if (auto v = readInt(f, lo, hi, diag)) return OptionValue{*v};
      return std::nullopt;
    }
    case OptionType::Number: {
      auto lo = ranged ? std::optional<double>(spec.min) : std::nullopt;
      auto hi = ranged ? std::optional<double>(spec.max) : std::nullopt;
      if (auto v = readNumber(f, lo, hi, diag)) return OptionValue{*v};
      return std::nullopt;
    }
    case OptionType::Boolean:
      if (auto v = readBool(f, diag)) return OptionValue{*v};
      return std::nullopt;
    case OptionType::Duration: {
      std::int64_t lo = ranged ? static_cast<std::int64_t>(std::ceil(spec.min)) : 0;
      std::int64_t hi = ranged ? static_cast<std::int64_t>(std::floor(spec.max))
                               : std::numeric_limits<std::int64_t>::max();
      if (auto v = readDuration(f, lo, hi, diag)) return OptionValue{*v};
      return std::nullopt;
    }
    case OptionType::Milliseconds: {
      std::int64_t lo = ranged ? static_cast<std::int64_t>(std::ceil(spec.min)) : 0;
      std::int64_t hi = ranged ? static_cast<std::int64_t>(std::floor(spec.max)) : 86'400'000;
      if (auto v = readMillis(f, lo, hi, diag)) return OptionValue{*v};
      return std::nullopt;
    }
    case OptionType::String: {
      auto v = readString(f, diag);
      if (!v) return std::nullopt;
      if (!spec.choices.empty() &&
          std::find(spec.choices.begin(), spec.choices.end(), *v) == spec.choices.end()) {
        std::string what = quote(*v) + " is not one of: " + joinNames(spec.choices);
        if (auto s = suggest(*v, spec.choices)) what += "; did you mean '" + std::string(*s) + "'?";
        diag.add(f.pos, f.path, what);
        return std::nullopt;
      }
      return OptionValue{*v};
    }
  }
  return std::nullopt;
}

// A driver's default, written as YAML, goes through the same checks as user input.
std::optional<OptionValue> readDefault(const OptionSpec& spec, const std::string& path,
                                       SourcePos pos, Diagnostics& diag) {
  Diagnostics local("");
  std::optional<OptionValue> value;
  try {
    YAML::Node node = YAML::Load(std::string(spec.defaultValue));
    value = readOption(Field{node, path, pos}, spec, local);
  } catch (const YAML::Exception&) {
    value.reset();
  }
  if (!value) {
    diag.add(pos, path,
             "internal error: the driver's default " + quote(spec.defaultValue) +
                 " is invalid; set this option explicitly");
  }
  return value;
}

void readBusAddress(const YAML::Node& entry, const std::string& label, SourcePos entryPos,
                    const SensorSchema& info, SensorConfig& s, Diagnostics& diag) {
  std::optional<Field> bus = findField(entry, label, "bus");
  std::optional<Field> address = findField(entry, label, "address");
  if (!info.onI2cBus) {
    for (const auto& f : {bus, address}) {
      if (f) {
        diag.add(f->pos, f->path,
                 "driver '" + std::string(info.driver) +
                     "' is not on an I2C bus, so it takes no `bus:` or `address:`");
      }
    }
    return;
  }
  s.bus = kDefaultBus;
  if (bus) {
    if (auto v = readInt(*bus, 0, 255, diag)) s.bus = static_cast<int>(*v);
  }
  if (!info.addresses.empty()) s.address = info.addresses.front();
  if (address) {
    std::string allowed;
    for (int a : info.addresses) allowed += (allowed.empty() ? "" : ", ") + hexAddress(a);
    if (auto v = readInt(*address, 0, 0x7f, diag)) {
      bool ok = info.addresses.empty() ||
                std::find(info.addresses.begin(), info.addresses.end(), *v) != info.addresses.end();
      if (ok) {
        s.address = static_cast<int>(*v);
      } else {
        diag.add(address->pos, address->path,
                 hexAddress(static_cast<int>(*v)) + " is not an address a " +
                     std::string(info.driver) + " can have; allowed: " + allowed);
      }
    }
  } else if (!s.address) {
    diag.add(entryPos, label + ".address", "missing: the I2C address of the chip, e.g. 0x44");
  }
}

void readIds(const YAML::Node& entry, const std::string& label, SourcePos entryPos,
             const SensorSchema& info, SensorConfig& s, SensorExtra& extra, Diagnostics& diag) {
  std::vector<std::string_view> quantityNames;
  for (const QuantitySchema& q : info.quantities) quantityNames.push_back(q.name);
  std::optional<Field> ids = findField(entry, label, "ids");
  std::optional<Field> id = findField(entry, label, "id");

  if (id && ids) {
    diag.add(id->pos, id->path, "give either `id:` or `ids:`, not both");
  } else if (id && info.quantities.size() != 1) {
    diag.add(id->pos, id->path,
             "`id:` is only for drivers with one quantity; '" + std::string(info.driver) +
                 "' has " + std::to_string(info.quantities.size()) + " (" +
                 joinNames(quantityNames) + "): use `ids: {" +
                 std::string(quantityNames.empty() ? "" : quantityNames.front()) + ": N, ...}`");
  } else if (id) {
    if (auto v = readInt(*id, 1, kMaxPlatformId, diag)) {
      std::string q(info.quantities.front().name);
      s.ids[q] = static_cast<int>(*v);
      extra.idOrigin[q] = {id->pos, id->path};
    }
  }
  if (ids && !ids->node.IsNull() &&
      checkKeys(ids->node, ids->path, ids->pos, quantityNames, true, diag)) {
    for (std::string_view q : quantityNames) {
      if (auto f = findField(ids->node, ids->path, q)) {
        if (auto v = readInt(*f, 1, kMaxPlatformId, diag)) {
          s.ids[std::string(q)] = static_cast<int>(*v);
          extra.idOrigin[std::string(q)] = {f->pos, f->path};
        }
      }
    }
  }
  for (std::size_t qi = 0; qi < info.quantities.size(); ++qi) {
    const QuantitySchema& q = info.quantities[qi];
    if (s.ids.count(q.name) != 0 || extra.idOrigin.count(q.name) != 0) continue;
    // Some chips' ids depend on their address (one id group per ADC).
    const int defaultId = info.defaultIdForAddress && s.address
                              ? info.defaultIdForAddress(*s.address, qi)
                              : q.defaultId;
    if (defaultId > 0) {
      s.ids[std::string(q.name)] = defaultId;
      extra.idOrigin[std::string(q.name)] = {entryPos, label + ".ids." + std::string(q.name)};
      continue;
    }
    if (q.optional) continue;
    bool one = info.quantities.size() == 1;
    // A failed `id:`/`ids:` value was reported already; do not report it twice.
    if ((one && id) || (!one && ids)) {
      if (auto f = one ? id : findField(ids->node, ids->path, q.name)) continue;
    }
    std::string hint = one ? "add `id: N`" : "add `ids: {" + std::string(q.name) + ": N}`";
    diag.add(entryPos, one ? label + ".id" : label + ".ids." + std::string(q.name),
             "needs a platform id: " + hint +
                 " with the platform's sensor id for this quantity (driver '" +
                 std::string(info.driver) + "' has no default)");
  }
  // Optional quantities: at least one of them is measured, or the sensor reads nothing.
  std::vector<std::string_view> optional;
  bool anyGiven = false;
  for (const QuantitySchema& q : info.quantities) {
    if (!q.optional) continue;
    optional.push_back(q.name);
    anyGiven = anyGiven || s.ids.count(q.name) != 0 || extra.idOrigin.count(q.name) != 0;
  }
  if (!optional.empty() && !anyGiven && !(ids && !ids->node.IsNull())) {
    std::string example;
    for (std::string_view q : optional) {
      example +=
          std::string(example.empty() ? "" : " and/or ") + "`ids: {" + std::string(q) + ": N}`";
    }
    diag.add(entryPos, label + ".ids",
             "needs a platform id for at least one of " + joinNames(optional) + ": add " + example +
                 " (driver '" + std::string(info.driver) + "' measures only those)");
  }
}

void readOptions(const YAML::Node& entry, const std::string& label, SourcePos entryPos,
                 const SensorSchema& info, SensorConfig& s, Diagnostics& diag) {
  for (const OptionSpec& spec : info.options) {
    std::string path = label + "." + std::string(spec.key);
    std::optional<OptionValue> value;
    if (auto f = findField(entry, label, spec.key); f && !f->node.IsNull()) {
      value = readOption(*f, spec, diag);
      if (!value) continue;
    } else if (!spec.defaultValue.empty()) {
      value = readDefault(spec, path, entryPos, diag);
    } else if (spec.required) {
      std::string what = "missing: driver '" + std::string(info.driver) + "' needs it";
      if (!spec.help.empty()) what += " (" + std::string(spec.help) + ")";
      diag.add(f ? f->pos : entryPos, path, what);
    }
    if (value) s.options.emplace(std::string(spec.key), std::move(*value));
  }
}

// `samples:` and `reduce:`: how many readings an interval takes and how they become one.
void readAveraging(const YAML::Node& entry, const std::string& label, const SensorSchema& info,
                   SensorConfig& s, Diagnostics& diag) {
  if (auto f = findField(entry, label, "samples")) {
    if (auto v = readInt(*f, 1, kMaxSamples, diag)) {
      const auto gap = std::chrono::milliseconds(s.interval) / *v;
      std::string why = info.whyNoSamples ? info.whyNoSamples(s.options) : std::string();
      if (*v > 1 && !why.empty()) {
        diag.add(f->pos, f->path,
                 "driver '" + std::string(info.driver) + "' takes no `samples:` above 1: " + why);
      } else if (gap < kMinSampleGap) {
        diag.add(f->pos, f->path,
                 std::to_string(*v) + " samples in an interval of " +
                     formatDuration(s.interval.count()) + " would be one every " +
                     formatMillis(gap.count()) + "; they must be at least " +
                     formatMillis(kMinSampleGap.count()) +
                     " apart (time for a conversion, and for the other sensors on the bus): "
                     "take fewer samples or a longer interval");
      } else {
        s.samples = static_cast<int>(*v);
      }
    }
  }
  if (auto f = findField(entry, label, "reduce")) {
    // Without samples above 1 it reduces a single value, which is that value: accepted, so
    // `samples:` can be turned down to 1 for a test without touching `reduce:`.
    const std::vector<std::string_view> reductions{"mean", "median", "max"};
    if (auto v = readString(*f, diag)) {
      if (*v == "mean") {
        s.reduce = Reduce::Mean;
      } else if (*v == "median") {
        s.reduce = Reduce::Median;
      } else if (*v == "max") {
        s.reduce = Reduce::Max;
      } else {
        std::string what = quote(*v) + " is not one of: " + joinNames(reductions);
        if (auto sug = suggest(*v, reductions))
          what += "; did you mean '" + std::string(*sug) + "'?";
        diag.add(f->pos, f->path, what);
      }
    }
  }
}

// `calibrate:`, a map from the driver's quantities to `{ offset: a, scale: b }`.
void readCalibration(const YAML::Node& entry, const std::string& label, const SensorSchema& info,
                     SensorConfig& s, Diagnostics& diag) {
  std::optional<Field> calibrate = findField(entry, label, "calibrate");
  if (!calibrate) return;
  std::vector<std::string_view> quantityNames;
  for (const QuantitySchema& q : info.quantities) quantityNames.push_back(q.name);
  if (!checkKeys(calibrate->node, calibrate->path, calibrate->pos, quantityNames, false, diag)) {
    return;
  }
  if (std::string why = info.whyNoCalibration ? info.whyNoCalibration(s.options) : std::string();
      !why.empty()) {
    diag.add(calibrate->pos, calibrate->path,
             "driver '" + std::string(info.driver) + "' takes no `calibrate:` here: " + why);
    return;
  }
  for (const auto& pair : calibrate->node) {
    if (!pair.first.IsScalar()) continue;  // reported by checkKeys
    const std::string& quantity = pair.first.Scalar();
    if (std::find(quantityNames.begin(), quantityNames.end(), quantity) == quantityNames.end()) {
      std::string what = quote(quantity) + " is not a quantity of driver '" +
                         std::string(info.driver) + "' (it measures " + joinNames(quantityNames) +
                         ")";
      if (auto sug = suggest(quantity, quantityNames)) {
        what += "; did you mean '" + std::string(*sug) + "'?";
      }
      diag.add(toPos(pair.first.Mark()), joinPath(calibrate->path, escaped(quantity)), what);
      continue;
    }
    std::optional<Field> f = findField(calibrate->node, calibrate->path, quantity);
    if (!f || !checkKeys(f->node, f->path, f->pos, {"offset", "scale"}, true, diag)) continue;
    Calibration c;
    bool ok = true;
    if (auto offset = findField(f->node, f->path, "offset")) {
      auto v = readNumber(*offset, std::nullopt, std::nullopt, diag);
      ok = ok && v;
      if (v) c.offset = *v;
    }
    if (auto scale = findField(f->node, f->path, "scale")) {
      auto v = readNumber(*scale, std::nullopt, std::nullopt, diag);
      if (v && *v <= 0) {
        // Reduction comes first: a negative scale would store the smallest sample as `max`,
        // and 0 would store the offset whatever the sensor says.
        diag.add(scale->pos, scale->path,
                 scale->node.Scalar() +
                     " is out of range: a scale must be above 0 (0 would store the offset "
                     "whatever is measured, and a negative one would turn `reduce: max` into "
                     "the smallest sample)");
        v.reset();
      }
      ok = ok && v;
      if (v) c.scale = *v;
    }
    if (ok) s.calibrate[quantity] = c;
  }
}

void readSensor(const YAML::Node& entry, std::size_t index, const SensorSchemas& drivers,
                SensorConfig& s, SensorExtra& extra, Diagnostics& diag) {
  s.pos = toPos(entry.Mark());
  std::string label = "sensors[" + std::to_string(index) + "]";
  std::optional<Field> name = findField(entry, label, "name");
  if (name && name->node.IsScalar() && validName(name->node.Scalar())) {
    label = "sensors[" + name->node.Scalar() + "]";
    name = findField(entry, label, "name");
  }
  extra.label = label;

  std::optional<Field> driverField = findField(entry, label, "driver");
  const SensorSchema* info = nullptr;
  std::vector<std::string_view> available = driverNames(drivers);
  if (!driverField || driverField->node.IsNull()) {
    diag.add(driverField ? driverField->pos : s.pos, label + ".driver",
             "missing: which driver reads this sensor; available: " + joinNames(available));
  } else if (auto d = readString(*driverField, diag)) {
    info = lookup(drivers, *d);
    if (info == nullptr) {
      std::string what = "unknown driver " + quote(*d);
      if (auto sug = suggest(*d, available)) what += "; did you mean '" + std::string(*sug) + "'?";
      what += " (available: " + joinNames(available) + ")";
      diag.add(driverField->pos, driverField->path, what);
    } else {
      s.driver = *d;
    }
  }

  std::vector<std::string_view> known{"name", "driver", "interval", "bus",    "address",
                                      "ids",  "id",     "samples",  "reduce", "calibrate"};
  if (info != nullptr) {
    for (const OptionSpec& o : info->options) known.push_back(o.key);
  }
  // Without a driver there is no telling which other keys are right.
  checkKeys(entry, label, s.pos, known, info != nullptr, diag);

  if (name) {
    auto n = readString(*name, diag);
    if (n && !validName(*n)) {
      diag.add(name->pos, name->path,
               "expected 1 to 64 characters of letters, digits, '_', '.' or '-', got " + quote(*n));
    } else if (n) {
      s.name = *n;
    }
    extra.namePos = name->pos;
  }
  if (auto f = findField(entry, label, "interval")) {
    if (auto v = readDuration(*f, 1, 86400, diag)) s.interval = std::chrono::seconds(*v);
  }
  if (info == nullptr) return;

  extra.onGpioLine = info->onGpioLine;
  readBusAddress(entry, label, s.pos, *info, s, diag);
  auto address = findField(entry, label, "address");
  extra.addressPos = address ? address->pos : s.pos;
  readIds(entry, label, s.pos, *info, s, extra, diag);
  readOptions(entry, label, s.pos, *info, s, diag);
  // After the interval and the options: the checks of both depend on them.
  readAveraging(entry, label, *info, s, diag);
  readCalibration(entry, label, *info, s, diag);

  if (!name) {
    extra.defaultName = true;
    extra.namePos = s.pos;
    if (info->onI2cBus && s.bus && s.address) {
      s.name = s.driver + "-" + std::to_string(*s.bus) + "-" + hexAddress(*s.address);
    } else {
      s.name = s.driver + "-" + std::to_string(index + 1);
    }
  }
}

void checkAcrossSensors(const std::vector<SensorConfig>& sensors,
                        const std::vector<SensorExtra>& extras, Diagnostics& diag) {
  std::map<std::string, std::size_t, std::less<>> names;
  std::map<int, std::pair<std::size_t, std::string>> ids;                // id -> sensor, quantity
  std::map<std::pair<std::string, std::string>, std::size_t> gpioLines;  // (chip, line) -> sensor
  std::map<std::pair<int, int>, std::size_t> addresses;  // (bus, address) -> first sensor there
  for (std::size_t i = 0; i < sensors.size(); ++i) {
    const SensorConfig& s = sensors[i];
    if (s.name.empty()) continue;
    if (s.bus && s.address) {
      // Two chips at one address answer together and garble each other's replies (an SPS30
      // and a SEN5x are both fixed at 0x69). One chip listed twice, with the same driver,
      // is fine: read at two intervals, say.
      auto [other, fresh] = addresses.emplace(std::pair{*s.bus, *s.address}, i);
      const SensorConfig& first = sensors[other->second];
      if (!fresh && first.driver != s.driver) {
        diag.add(extras[i].addressPos, extras[i].label + ".address",
                 hexAddress(*s.address) + " on bus " + std::to_string(*s.bus) +
                     " is already the address of sensor " + quote(first.name) + " (" +
                     first.driver + ", " + positionText(first.pos) + "), and sensor " +
                     quote(s.name) + " is a " + s.driver +
                     ": one address on a bus is one chip (the same chip may be listed twice, "
                     "with the same driver); put one of them on another bus");
      }
    }
    auto chip = s.options.find("chip");
    auto line = s.options.find("line");
    if (extras[i].onGpioLine && chip != s.options.end() && line != s.options.end()) {
      // Written the same way only: a chip named by number here and by label there is the
      // same line too, which the kernel refuses at the second request ("busy").
      auto key =
          std::pair{std::get<std::string>(chip->second), std::get<std::string>(line->second)};
      auto [other, fresh] = gpioLines.emplace(key, i);
      if (!fresh) {
        const SensorConfig& first = sensors[other->second];
        diag.add(s.pos, extras[i].label + ".line",
                 "line " + key.second + " of " + key.first + " is already read by sensor " +
                     quote(first.name) + " (" + positionText(first.pos) +
                     "); one line can feed only one sensor");
      }
    }
    auto [it, fresh] = names.emplace(s.name, i);
    if (!fresh) {
      std::string what = quote(s.name) + " is already the name of the sensor at " +
                         positionText(extras[it->second].namePos) + "; sensor names must be unique";
      if (extras[i].defaultName) what += " (it is this sensor's default name: set `name:`)";
      diag.add(extras[i].namePos, extras[i].label + ".name", what);
    }
    for (const auto& [quantity, id] : s.ids) {
      auto [other, added] = ids.emplace(id, std::pair{i, quantity});
      if (added) continue;
      const SensorConfig& first = sensors[other->second.first];
      auto origin = extras[i].idOrigin.find(quantity);
      SourcePos pos = origin != extras[i].idOrigin.end() ? origin->second.first : s.pos;
      std::string path =
          origin != extras[i].idOrigin.end() ? origin->second.second : extras[i].label;
      diag.add(pos, path,
               "platform id " + std::to_string(id) + " is published by both sensor " +
                   quote(first.name) + " (" + positionText(first.pos) + ") and sensor " +
                   quote(s.name) +
                   ": the platform keeps one value per id and second, so one would silently "
                   "overwrite the other; give each its own id");
    }
  }
}

}  // namespace

void readSensors(const std::optional<Field>& field, SourcePos rootPos, const SensorSchemas& drivers,
                 Config& config, Diagnostics& diag) {
  const std::string example = " (e.g. `- driver: sim` with `id: 55`)";
  if (!field) {
    diag.add(rootPos, "sensors", "missing: list at least one sensor" + example);
    return;
  }
  if (field->node.IsNull() || (field->node.IsSequence() && field->node.size() == 0)) {
    diag.add(field->pos, field->path, "empty: list at least one sensor" + example);
    return;
  }
  if (!field->node.IsSequence()) {
    diag.add(
        field->pos, field->path,
        "expected a list of sensors (each starting with `- `), got " + describeKind(field->node));
    return;
  }
  std::vector<SensorExtra> extras;
  std::size_t next = 0;
  for (const YAML::Node& entry : field->node) {
    std::size_t index = next++;
    if (!entry.IsMap()) {
      diag.add(toPos(entry.Mark()), "sensors[" + std::to_string(index) + "]",
               "expected a map with at least `driver:`, got " + describeKind(entry));
      continue;
    }
    SensorConfig s;
    SensorExtra extra;
    readSensor(entry, index, drivers, s, extra, diag);
    config.sensors.push_back(std::move(s));
    extras.push_back(std::move(extra));
  }
  checkAcrossSensors(config.sensors, extras, diag);
}

}  // namespace sckd::config_detail
