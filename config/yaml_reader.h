#pragma once
// Position-tracking helpers over yaml-cpp nodes for the strict config loader. Nothing here
// throws: every problem becomes one "file:line:column: key.path: what" line in Diagnostics.

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"

namespace sckd::config_detail {

// Every problem found in one file, reported together at the end.
class Diagnostics {
 public:
  explicit Diagnostics(std::string file) : file_(std::move(file)) {}
  void add(SourcePos pos, std::string_view path, std::string_view what);
  bool empty() const { return problems_.empty(); }
  // The first kMaxShown lines in file order, joined by '\n', then "... and N more
  // problems" when there were more: the wrong file given by mistake stays readable.
  std::string joined() const;
  static constexpr std::size_t kMaxShown = 40;

 private:
  struct Problem {
    SourcePos pos;
    std::string line;
  };
  std::string file_;
  std::vector<Problem> problems_;
};

// yaml-cpp marks are 0-based and -1 when unknown; ours are 1-based and never below 1.
SourcePos toPos(const YAML::Mark& mark);

// A value found under a key: where it stands and how messages name it.
struct Field {
  YAML::Node node;
  std::string path;
  SourcePos pos;  // of the value, or of its key when the value is empty
};

// Checks a map's keys: reports non-string keys, duplicates and (when reportUnknown) keys
// not in `known`, with a did-you-mean. Returns false when `node` is not a map at all.
bool checkKeys(const YAML::Node& node, std::string_view path, SourcePos pos,
               const std::vector<std::string_view>& known, bool reportUnknown, Diagnostics& diag);
// The first value under `key` (duplicates were reported by checkKeys).
std::optional<Field> findField(const YAML::Node& map, std::string_view path, std::string_view key);

// The closest candidate within edit distance 2, if any.
std::optional<std::string_view> suggest(std::string_view word,
                                        const std::vector<std::string_view>& candidates);
std::string joinNames(const std::vector<std::string_view>& names);
std::string joinPath(std::string_view parent, std::string_view key);

// "a map", "a list", "nothing", "a quoted string": what the user wrote instead.
std::string describeKind(const YAML::Node& node);
// A scalar's text shortened, control bytes escaped, for a message; quote() adds quotes.
std::string escaped(std::string_view text);
std::string quote(std::string_view text);

// Readers: each reports its own error and returns nullopt when the value is unusable.
// Ranges are inclusive.
std::optional<std::int64_t> readInt(const Field& f, std::int64_t min, std::int64_t max,
                                    Diagnostics& diag);
std::optional<double> readNumber(const Field& f, std::optional<double> min,
                                 std::optional<double> max, Diagnostics& diag);
std::optional<bool> readBool(const Field& f, Diagnostics& diag);
// Any scalar, plain or quoted, as written.
std::optional<std::string> readString(const Field& f, Diagnostics& diag);
std::optional<std::int64_t> readDuration(const Field& f, std::int64_t minSeconds,
                                         std::int64_t maxSeconds, Diagnostics& diag);
std::optional<std::int64_t> readMillis(const Field& f, std::int64_t minMillis,
                                       std::int64_t maxMillis, Diagnostics& diag);
std::optional<std::uint64_t> readSize(const Field& f, std::uint64_t min, std::uint64_t max,
                                      Diagnostics& diag);

// Where a second YAML document starts, if the text has one. Parses events only: yaml-cpp's
// LoadAll loops forever allocating on some malformed input (a stray ',' at top level).
// Throws YAML::Exception on a syntax error in the second document.
std::optional<SourcePos> secondDocument(const std::string& text);

// Plain YAML integer forms: decimal, 0x hex, 0o octal, optional sign.
std::optional<std::int64_t> parseYamlInt(std::string_view text);
std::optional<double> parseYamlNumber(std::string_view text);
// True for a plain (unquoted, untagged) scalar, or one tagged with `tag` (e.g. "int").
bool isPlainOrTagged(const YAML::Node& node, std::string_view tag);

}  // namespace sckd::config_detail
