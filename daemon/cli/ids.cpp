// `sckd ids`: which platform ids exist for sckd, who publishes them by default, and which
// ones the config already takes.
#include "daemon/cli/ids.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "daemon/cli/commands.h"
#include "daemon/cli/config_file.h"
#include "daemon/uplink/sensor_catalog.h"

namespace sckd {
namespace {

// The last column wraps rather than run past 100 columns, unless the others (a long sensor
// name) leave it too little room to be read.
constexpr std::size_t kLineWidth = 100;
constexpr std::size_t kMinLastColumn = 24;

std::string hex(int address) {
  char text[8];
  std::snprintf(text, sizeof text, "0x%02x", address);
  return text;
}

std::string join(const std::vector<std::string>& parts, const std::string& separator) {
  std::string out;
  for (const std::string& part : parts) out += (out.empty() ? "" : separator) + part;
  return out;
}

// Joins words that must stay on one line ("humidity (generic)", "at 0x49"); wrap() turns
// it back into a space.
constexpr char kNoBreak = '\x01';

// The text cut into lines of at most `width` (a longer word alone on its line), at spaces.
std::vector<std::string> wrap(const std::string& text, std::size_t width) {
  std::vector<std::string> lines{""};
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t space = text.find(' ', pos);
    if (space == std::string::npos) space = text.size();
    const std::string word = text.substr(pos, space - pos);
    pos = space + 1;
    if (!lines.back().empty() && lines.back().size() + 1 + word.size() > width)
      lines.emplace_back();
    lines.back() += (lines.back().empty() ? "" : " ") + word;
  }
  for (std::string& line : lines) std::replace(line.begin(), line.end(), kNoBreak, ' ');
  return lines;
}

// Columns padded to their widest cell, two spaces apart; the last one wraps under itself.
std::string renderTable(const std::vector<std::vector<std::string>>& rows) {
  if (rows.empty()) return "";
  const std::size_t columns = rows.front().size();
  std::vector<std::size_t> widths(columns, 0);
  for (const auto& row : rows) {
    for (std::size_t c = 0; c + 1 < columns; ++c) widths[c] = std::max(widths[c], row[c].size());
  }
  std::size_t indent = 0;
  for (std::size_t c = 0; c + 1 < columns; ++c) indent += widths[c] + 2;
  const std::size_t last =
      indent + kMinLastColumn < kLineWidth ? kLineWidth - indent : kMinLastColumn;
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t c = 0; c + 1 < columns; ++c) {
      line += row[c] + std::string(widths[c] - row[c].size() + 2, ' ');
    }
    std::vector<std::string> tail = wrap(row.back(), last);
    out += line + tail.front();
    for (std::size_t i = 1; i < tail.size(); ++i) out += "\n" + std::string(indent, ' ') + tail[i];
    // No trailing spaces when the last cell is empty.
    while (!out.empty() && out.back() == ' ') out.pop_back();
    out += "\n";
  }
  return out;
}

// "sht31 temperature; bme280, sht4x temperature (generic)": the drivers that publish a
// quantity under this id alike are named together, the chip's own ids before borrowed ones.
std::string describeDefaults(const std::vector<DefaultUse>& uses) {
  struct Group {
    std::string quantity;
    std::optional<int> address;
    bool generic;
    std::vector<std::string> drivers;
  };
  std::vector<Group> groups;
  for (bool generic : {false, true}) {
    for (const DefaultUse& use : uses) {
      if (use.generic != generic) continue;
      auto same = std::find_if(groups.begin(), groups.end(), [&](const Group& g) {
        return g.quantity == use.quantity && g.address == use.address && g.generic == generic;
      });
      if (same == groups.end()) {
        groups.push_back({use.quantity, use.address, generic, {}});
        same = groups.end() - 1;
      }
      same->drivers.push_back(use.driver);
    }
  }
  std::vector<std::string> parts;
  for (const Group& g : groups) {
    std::string part = join(g.drivers, ", ") + " " + g.quantity;
    if (g.address) part += kNoBreak + std::string("at") + kNoBreak + hex(*g.address);
    if (g.generic) part += kNoBreak + std::string("(generic)");
    parts.push_back(part);
  }
  return parts.empty() ? "-" : join(parts, "; ");
}

std::string usersOf(const KnownId& known) {
  std::vector<std::string> users;
  for (const IdUser& user : known.usedBy) users.push_back(user.sensor + " " + user.quantity);
  return users.empty() ? "-" : join(users, ", ");
}

std::string originText(const PublishedId& p) {
  switch (p.origin) {
    case IdOrigin::Default:
      return "driver default";
    case IdOrigin::Generic:
      return "driver default (generic)";
    case IdOrigin::Override:
      return "config (driver default " + std::to_string(p.defaultId) + ")";
    case IdOrigin::Given:
      return "config";
  }
  return "";
}

const char* originKey(IdOrigin origin) {
  switch (origin) {
    case IdOrigin::Default:
      return "default";
    case IdOrigin::Generic:
      return "generic";
    case IdOrigin::Override:
      return "override";
    case IdOrigin::Given:
      return "config";
  }
  return "";
}

nlohmann::json nameOrNull(const std::string& text) {
  return text.empty() ? nlohmann::json(nullptr) : nlohmann::json(text);
}

// Why the config could not be read, in a line: the loader lists every problem of an invalid
// file, which `sckd check --config-only` is there to show.
std::string firstLine(const std::string& message) {
  const std::size_t end = message.find('\n');
  if (end == std::string::npos || end + 1 == message.size()) return message.substr(0, end);
  return message.substr(0, end) + " (and more: `sckd check --config-only` lists every problem)";
}

}  // namespace

IdListing listIds(const std::vector<DriverInfo>& drivers, const std::string& configPath,
                  const Result<Config>& config) {
  IdListing listing;
  listing.configPath = configPath;
  std::map<int, KnownId> known;
  for (const CatalogEntry& entry : catalogEntries()) {
    known[entry.id] = KnownId{entry.id, std::string(entry.name), std::string(entry.unit), {}, {}};
  }
  auto addUse = [&](int id, DefaultUse use) {
    KnownId& k = known[id];
    k.id = id;
    k.defaultFor.push_back(std::move(use));
  };
  for (const DriverInfo& info : drivers) {
    bool anyDefault = false;
    for (std::size_t q = 0; q < info.quantities.size(); ++q) {
      const Quantity& quantity = info.quantities[q];
      if (info.defaultIdForAddress) {
        for (int address : info.addresses) {
          const int id = info.defaultIdForAddress(address, q);
          if (id <= 0) continue;
          addUse(id, {std::string(info.name), std::string(quantity.name), address, false});
          anyDefault = true;
        }
      } else if (quantity.defaultId > 0) {
        addUse(quantity.defaultId, {std::string(info.name), std::string(quantity.name),
                                    std::nullopt, quantity.genericId});
        anyDefault = true;
      }
    }
    if (!anyDefault) listing.driversWithoutDefaults.emplace_back(info.name);
  }
  std::sort(listing.driversWithoutDefaults.begin(), listing.driversWithoutDefaults.end());

  if (!config.ok()) {
    listing.configError = firstLine(config.error().message);
  } else {
    for (const SensorConfig& sensor : config->sensors) {
      const auto info = std::find_if(drivers.begin(), drivers.end(),
                                     [&](const DriverInfo& d) { return d.name == sensor.driver; });
      std::vector<std::string> quantities;  // the driver's order, then any the table lacks
      if (info != drivers.end()) {
        for (const Quantity& q : info->quantities) quantities.emplace_back(q.name);
      }
      for (const auto& [name, id] : sensor.ids) {
        if (std::find(quantities.begin(), quantities.end(), name) == quantities.end())
          quantities.push_back(name);
      }
      for (std::size_t q = 0; q < quantities.size(); ++q) {
        auto id = sensor.ids.find(quantities[q]);
        if (id == sensor.ids.end()) continue;  // an optional quantity left unmeasured
        PublishedId p;
        p.sensor = sensor.name;
        p.driver = sensor.driver;
        p.quantity = quantities[q];
        p.id = id->second;
        bool generic = false;
        if (info != drivers.end() && q < info->quantities.size()) {
          const Quantity& quantity = info->quantities[q];
          p.unit = std::string(quantity.unit);
          p.defaultId = info->defaultIdForAddress && sensor.address
                            ? info->defaultIdForAddress(*sensor.address, q)
                            : quantity.defaultId;
          generic = quantity.genericId;
        }
        p.origin = p.defaultId <= 0      ? IdOrigin::Given
                   : p.id != p.defaultId ? IdOrigin::Override
                   : generic             ? IdOrigin::Generic
                                         : IdOrigin::Default;
        if (const CatalogEntry* entry = findCatalogEntry(p.id)) {
          p.known = true;
          p.name = std::string(entry->name);
          p.catalogUnit = std::string(entry->unit);
        }
        auto k = known.find(p.id);
        if (k != known.end()) k->second.usedBy.push_back({p.sensor, p.quantity});
        listing.published.push_back(std::move(p));
      }
    }
  }
  for (auto& [id, k] : known) listing.known.push_back(std::move(k));
  return listing;
}

std::string formatIds(const IdListing& listing) {
  const bool withConfig = !listing.configError.has_value();
  std::string out =
      "Platform sensor ids sckd knows. The platform keeps a reading only under an id in its own\n"
      "catalogue (it has more than these) and silently drops any other.\n\n";
  std::vector<std::vector<std::string>> rows;
  if (withConfig)
    rows.push_back({"ID", "MEASURES", "UNIT", "IN USE BY", "DEFAULT FOR"});
  else
    rows.push_back({"ID", "MEASURES", "UNIT", "DEFAULT FOR"});
  for (const KnownId& k : listing.known) {
    std::vector<std::string> row{std::to_string(k.id), k.name.empty() ? "(no name)" : k.name,
                                 k.unit.empty() ? "-" : k.unit};
    if (withConfig) row.push_back(usersOf(k));
    row.push_back(describeDefaults(k.defaultFor));
    rows.push_back(std::move(row));
  }
  out += renderTable(rows);
  out +=
      "\n(generic): the platform has no id for that chip, so the driver borrows the generic one.\n"
      "at 0x..: the chip's ids depend on its I2C address.\n";
  if (!listing.driversWithoutDefaults.empty()) {
    out += "No default id, so the config names one (`id:` or `ids:`): " +
           join(listing.driversWithoutDefaults, ", ") + ".\n";
  }
  if (!withConfig) return out;

  // A valid config has a sensor, and each sensor publishes at least one id.
  out += "\nPublished by " + listing.configPath + ":\n";
  {
    std::vector<std::vector<std::string>> published{
        {"SENSOR", "DRIVER", "QUANTITY", "ID", "MEASURES", "ID FROM"}};
    std::vector<std::string> notes;
    for (const PublishedId& p : listing.published) {
      published.push_back({p.sensor, p.driver, p.quantity, std::to_string(p.id),
                           p.known ? p.name : "? not in sckd's list", originText(p)});
      if (!p.known) {
        notes.push_back("! " + std::to_string(p.id) + " (" + p.sensor + " " + p.quantity +
                        ") is not in sckd's list: make sure the platform has it (all its ids: "
                        "https://api.smartcitizen.me/v0/sensors), or it drops these readings.");
      } else if (!p.unit.empty() && !p.catalogUnit.empty() && p.unit != p.catalogUnit) {
        notes.push_back("! " + p.sensor + " " + p.quantity + " is in " + p.unit +
                        ", but the platform keeps id " + std::to_string(p.id) + " in " +
                        p.catalogUnit + ".");
      }
    }
    out += renderTable(published);
    for (const std::string& note : notes) {
      std::vector<std::string> lines = wrap(note, kLineWidth - 2);
      out += lines.front() + "\n";
      for (std::size_t i = 1; i < lines.size(); ++i) out += "  " + lines[i] + "\n";
    }
  }
  out +=
      "\nA new sensor needs ids that no sensor above uses: the platform keeps one value per id\n"
      "and second, so sckd refuses a config where two sensors share an id. A quantity that a\n"
      "sensor's options leave off (an ADC input not wired, the LPS33HW's temperature) keeps\n"
      "its id all the same.\n";
  return out;
}

std::string idsJson(const IdListing& listing) {
  nlohmann::json known = nlohmann::json::array();
  for (const KnownId& k : listing.known) {
    nlohmann::json users = nlohmann::json::array();
    for (const IdUser& user : k.usedBy)
      users.push_back({{"sensor", user.sensor}, {"quantity", user.quantity}});
    nlohmann::json uses = nlohmann::json::array();
    for (const DefaultUse& use : k.defaultFor) {
      nlohmann::json u = {
          {"driver", use.driver}, {"quantity", use.quantity}, {"generic", use.generic}};
      if (use.address) u["address"] = *use.address;
      uses.push_back(std::move(u));
    }
    known.push_back({{"id", k.id},
                     {"name", nameOrNull(k.name)},
                     {"unit", k.unit},
                     {"default_for", std::move(uses)},
                     {"in_use_by", std::move(users)}});
  }
  nlohmann::json published = nlohmann::json::array();
  for (const PublishedId& p : listing.published) {
    published.push_back({{"sensor", p.sensor},
                         {"driver", p.driver},
                         {"quantity", p.quantity},
                         {"unit", p.unit},
                         {"id", p.id},
                         {"origin", originKey(p.origin)},
                         {"default_id", p.defaultId > 0 ? nlohmann::json(p.defaultId) : nullptr},
                         {"known", p.known},
                         {"name", nameOrNull(p.name)},
                         {"platform_unit", nameOrNull(p.catalogUnit)}});
  }
  nlohmann::json out = {
      {"known", std::move(known)},
      {"config", std::move(published)},
      {"config_path", listing.configPath},
      {"config_error", listing.configError ? nlohmann::json(*listing.configError) : nullptr},
  };
  return out.dump();
}

int idsCommand(const IdsOptions& options) {
  const Result<Config> config = loadCommandConfig(options.configPath);
  const IdListing listing = listIds(driverRegistry(), options.configPath, config);
  const std::string text = options.json ? idsJson(listing) + "\n" : formatIds(listing);
  std::fwrite(text.data(), 1, text.size(), stdout);
  // The known ids are worth having without a config (choosing ids before writing one), so
  // a config that cannot be read is said on stderr and the exit stays 0.
  if (listing.configError) {
    std::fprintf(stderr, "sckd ids: cannot read the config, so its ids are not listed: %s\n",
                 listing.configError->c_str());
  }
  return 0;
}

}  // namespace sckd
