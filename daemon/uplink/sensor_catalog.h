#pragma once
// The platform's leaf sensor ids (docs/protocol.md, Sensor ids), for showing a reading by name:
// `sckd tail` decodes other devices' messages with it, `sckd check` labels ids,
// `sckd ids` lists them.

#include <span>
#include <string_view>

namespace sckd {

struct CatalogEntry {
  int id;
  std::string_view name;  // "SHT31 temperature"
  std::string_view unit;  // "degC"
};

// nullptr for an id the catalogue does not know (the platform's list is the authority).
const CatalogEntry* findCatalogEntry(int id);
// The whole table, sorted by id, for `sckd ids`, which lists every id sckd can name.
std::span<const CatalogEntry> catalogEntries();
// For the unit test: the table must stay sorted for the binary search.
bool catalogIsSorted();

}  // namespace sckd
