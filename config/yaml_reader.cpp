#include "config/yaml_reader.h"

#include <yaml-cpp/eventhandler.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <set>
#include <sstream>

#include "config/units.h"

namespace sckd::config_detail {

void Diagnostics::add(SourcePos pos, std::string_view path, std::string_view what) {
  std::string line = file_ + ":" + std::to_string(pos.line) + ":" + std::to_string(pos.column) +
                     ": " + std::string(path) + ": " + std::string(what);
  problems_.push_back({pos, std::move(line)});
}

std::string Diagnostics::joined() const {
  std::vector<Problem> sorted = problems_;
  std::stable_sort(sorted.begin(), sorted.end(), [](const Problem& a, const Problem& b) {
    return a.pos.line != b.pos.line ? a.pos.line < b.pos.line : a.pos.column < b.pos.column;
  });
  std::string out;
  const std::size_t shown = std::min(sorted.size(), kMaxShown);
  for (std::size_t i = 0; i < shown; ++i) {
    if (!out.empty()) out += '\n';
    out += sorted[i].line;
  }
  if (sorted.size() > shown) {
    out += "\n" + file_ + ": ... and " + std::to_string(sorted.size() - shown) +
           " more problems (is this the right file?)";
  }
  return out;
}

SourcePos toPos(const YAML::Mark& mark) {
  return SourcePos{std::max(mark.line, 0) + 1, std::max(mark.column, 0) + 1};
}

std::string joinPath(std::string_view parent, std::string_view key) {
  if (parent.empty()) return std::string(key);
  return std::string(parent) + "." + std::string(key);
}

std::string joinNames(const std::vector<std::string_view>& names) {
  std::string out;
  for (std::string_view n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

std::string escaped(std::string_view text) {
  constexpr std::size_t kMax = 40;
  std::string out;
  for (char c : text.substr(0, kMax)) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  if (text.size() > kMax) out += "...";
  return out;
}

std::string quote(std::string_view text) {
  return "'" + escaped(text) + "'";
}

std::string describeKind(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a map";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Scalar:
      return node.Tag() == "!" ? "the quoted string " + quote(node.Scalar()) : quote(node.Scalar());
    default:
      return "nothing";
  }
}

namespace {

// Optimal string alignment distance: insertions, deletions, substitutions, transpositions.
std::size_t editDistance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

}  // namespace

std::optional<std::string_view> suggest(std::string_view word,
                                        const std::vector<std::string_view>& candidates) {
  constexpr std::size_t kMaxWord = 64;  // long garbage is no misspelling; keeps it cheap
  if (word.size() > kMaxWord) return std::nullopt;
  std::optional<std::string_view> best;
  std::size_t bestDistance = 3;
  for (std::string_view c : candidates) {
    std::size_t d = editDistance(word, c);
    // A distance as long as the candidate itself would suggest "id" for any 2-letter word.
    if (d < bestDistance && d < c.size()) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

bool checkKeys(const YAML::Node& node, std::string_view path, SourcePos pos,
               const std::vector<std::string_view>& known, bool reportUnknown, Diagnostics& diag) {
  if (!node.IsMap()) {
    diag.add(pos, path.empty() ? "(top level)" : path,
             "expected a map of keys (" + joinNames(known) + "), got " + describeKind(node));
    return false;
  }
  std::set<std::string, std::less<>> seen;
  for (const auto& pair : node) {
    const YAML::Node& key = pair.first;
    SourcePos keyPos = toPos(key.Mark());
    if (!key.IsScalar()) {
      diag.add(keyPos, path.empty() ? "(top level)" : path,
               "a key must be a plain name, got " + describeKind(key));
      continue;
    }
    const std::string& name = key.Scalar();
    std::string keyPath = joinPath(path, name);
    if (!seen.insert(name).second) {
      diag.add(keyPos, keyPath, "duplicate key: it is already set above in this map");
      continue;
    }
    if (!reportUnknown || std::find(known.begin(), known.end(), name) != known.end()) continue;
    std::string what = "unknown key";
    if (auto s = suggest(name, known)) {
      what += "; did you mean '" + std::string(*s) + "'?";
    } else {
      what += "; known keys here: " + joinNames(known);
    }
    diag.add(keyPos, joinPath(path, escaped(name)), what);
  }
  return true;
}

std::optional<Field> findField(const YAML::Node& map, std::string_view path, std::string_view key) {
  if (!map.IsMap()) return std::nullopt;
  for (const auto& pair : map) {
    if (pair.first.IsScalar() && pair.first.Scalar() == key) {
      const YAML::Node& value = pair.second;
      SourcePos pos = value.IsNull() ? toPos(pair.first.Mark()) : toPos(value.Mark());
      return Field{value, joinPath(path, key), pos};
    }
  }
  return std::nullopt;
}

namespace {

// Remembers where the last document began and ignores everything else.
class DocumentStarts : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override { start = toPos(mark); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
  SourcePos start;
};

}  // namespace

std::optional<SourcePos> secondDocument(const std::string& text) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  DocumentStarts handler;
  if (!parser.HandleNextDocument(handler)) return std::nullopt;
  if (!parser.HandleNextDocument(handler)) return std::nullopt;
  return handler.start;
}

bool isPlainOrTagged(const YAML::Node& node, std::string_view tag) {
  if (!node.IsScalar()) return false;
  const std::string& t = node.Tag();
  return t == "?" || t == "tag:yaml.org,2002:" + std::string(tag);
}

std::optional<std::int64_t> parseYamlInt(std::string_view text) {
  bool negative = false;
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  int base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'o')) {
    base = text[1] == 'x' ? 16 : 8;
    text.remove_prefix(2);
  }
  if (text.empty()) return std::nullopt;
  std::uint64_t magnitude = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), magnitude, base);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (magnitude > kMax + (negative ? 1 : 0)) return std::nullopt;
  if (negative) return static_cast<std::int64_t>(0 - magnitude);
  return static_cast<std::int64_t>(magnitude);
}

std::optional<double> parseYamlNumber(std::string_view text) {
  if (auto i = parseYamlInt(text)) return static_cast<double>(*i);
  std::string_view body = text;
  if (!body.empty() && (body[0] == '+' || body[0] == '-')) body.remove_prefix(1);
  // from_chars also takes "inf" and "nan", which are not readings anyone means.
  if (body.empty() || !(std::isdigit(static_cast<unsigned char>(body[0])) || body[0] == '.')) {
    return std::nullopt;
  }
  if (text[0] == '+') text.remove_prefix(1);
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

namespace {

std::string formatNumber(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}

std::string rangeText(std::int64_t min, std::int64_t max) {
  return "from " + std::to_string(min) + " to " + std::to_string(max);
}

}  // namespace

std::optional<std::int64_t> readInt(const Field& f, std::int64_t min, std::int64_t max,
                                    Diagnostics& diag) {
  std::string expected = "expected an integer " + rangeText(min, max);
  std::optional<std::int64_t> value;
  if (isPlainOrTagged(f.node, "int")) value = parseYamlInt(f.node.Scalar());
  if (!value) {
    diag.add(f.pos, f.path, expected + ", got " + describeKind(f.node));
    return std::nullopt;
  }
  if (*value < min || *value > max) {
    diag.add(f.pos, f.path,
             std::to_string(*value) + " is out of range: must be " + rangeText(min, max));
    return std::nullopt;
  }
  return value;
}

std::optional<double> readNumber(const Field& f, std::optional<double> min,
                                 std::optional<double> max, Diagnostics& diag) {
  std::string range;
  if (min && max) range = " from " + formatNumber(*min) + " to " + formatNumber(*max);
  std::optional<double> value;
  if (isPlainOrTagged(f.node, "float") || isPlainOrTagged(f.node, "int")) {
    value = parseYamlNumber(f.node.Scalar());
  }
  if (!value) {
    diag.add(f.pos, f.path, "expected a number" + range + ", got " + describeKind(f.node));
    return std::nullopt;
  }
  if ((min && *value < *min) || (max && *value > *max)) {
    diag.add(f.pos, f.path, f.node.Scalar() + " is out of range: must be" + range);
    return std::nullopt;
  }
  return value;
}

std::optional<bool> readBool(const Field& f, Diagnostics& diag) {
  if (isPlainOrTagged(f.node, "bool")) {
    const std::string& s = f.node.Scalar();
    if (s == "true" || s == "True" || s == "TRUE") return true;
    if (s == "false" || s == "False" || s == "FALSE") return false;
  }
  diag.add(f.pos, f.path, "expected true or false, got " + describeKind(f.node));
  return std::nullopt;
}

std::optional<std::string> readString(const Field& f, Diagnostics& diag) {
  if (f.node.IsScalar()) return f.node.Scalar();
  diag.add(f.pos, f.path, "expected a string, got " + describeKind(f.node));
  return std::nullopt;
}

std::optional<std::int64_t> readDuration(const Field& f, std::int64_t minSeconds,
                                         std::int64_t maxSeconds, Diagnostics& diag) {
  std::string range = "from " + formatDuration(minSeconds) + " to " + formatDuration(maxSeconds);
  std::optional<std::int64_t> value;
  if (f.node.IsScalar()) value = parseDuration(f.node.Scalar());
  if (!value) {
    diag.add(f.pos, f.path,
             "expected a duration " + range + ": " + std::string(kDurationForms) + ", got " +
                 describeKind(f.node));
    return std::nullopt;
  }
  if (*value < minSeconds || *value > maxSeconds) {
    diag.add(f.pos, f.path, quote(f.node.Scalar()) + " is out of range: must be " + range);
    return std::nullopt;
  }
  return value;
}

std::optional<std::int64_t> readMillis(const Field& f, std::int64_t minMillis,
                                       std::int64_t maxMillis, Diagnostics& diag) {
  std::string range = "from " + formatMillis(minMillis) + " to " + formatMillis(maxMillis);
  std::optional<std::int64_t> value;
  if (f.node.IsScalar()) value = parseMillis(f.node.Scalar());
  if (!value) {
    diag.add(f.pos, f.path,
             "expected a duration " + range + ": " + std::string(kMillisForms) + ", got " +
                 describeKind(f.node));
    return std::nullopt;
  }
  if (*value < minMillis || *value > maxMillis) {
    diag.add(f.pos, f.path, quote(f.node.Scalar()) + " is out of range: must be " + range);
    return std::nullopt;
  }
  return value;
}

std::optional<std::uint64_t> readSize(const Field& f, std::uint64_t min, std::uint64_t max,
                                      Diagnostics& diag) {
  std::string range = "from " + formatSize(min) + " to " + formatSize(max);
  std::optional<std::uint64_t> value;
  if (f.node.IsScalar()) value = parseSize(f.node.Scalar());
  if (!value) {
    diag.add(f.pos, f.path,
             "expected a size " + range + ": " + std::string(kSizeForms) + ", got " +
                 describeKind(f.node));
    return std::nullopt;
  }
  if (*value < min || *value > max) {
    diag.add(f.pos, f.path, quote(f.node.Scalar()) + " is out of range: must be " + range);
    return std::nullopt;
  }
  return value;
}

}  // namespace sckd::config_detail
