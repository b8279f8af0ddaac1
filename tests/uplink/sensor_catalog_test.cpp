#include "daemon/uplink/sensor_catalog.h"

#include <gtest/gtest.h>

namespace sckd {
namespace {

TEST(SensorCatalog, TableIsSortedForBinarySearch) {
  EXPECT_TRUE(catalogIsSorted());
}

TEST(SensorCatalog, KnowsThePlatformIdsFromPlatformMd) {
  ASSERT_NE(findCatalogEntry(55), nullptr);
  EXPECT_EQ(findCatalogEntry(55)->unit, "degC");
  ASSERT_NE(findCatalogEntry(58), nullptr);
  EXPECT_EQ(findCatalogEntry(58)->unit, "kPa");  // pressure in kPa, not hPa
  ASSERT_NE(findCatalogEntry(186), nullptr);
  EXPECT_EQ(findCatalogEntry(186)->unit, "#/0.1L");
  ASSERT_NE(findCatalogEntry(227), nullptr);
  // The SEN5x particle numbers and typical size, which sen50/54/55 publish.
  for (int id = 197; id <= 201; ++id) {
    ASSERT_NE(findCatalogEntry(id), nullptr) << id;
    EXPECT_EQ(findCatalogEntry(id)->unit, "#/0.1L");
  }
  ASSERT_NE(findCatalogEntry(202), nullptr);
  EXPECT_EQ(findCatalogEntry(202)->name, "SEN5x typical particle size");
  EXPECT_EQ(findCatalogEntry(202)->unit, "um");
}

// The listing `sckd ids` prints is the table itself: every entry once, each findable.
TEST(SensorCatalog, ListsEveryEntryOnceInIdOrder) {
  std::span<const CatalogEntry> all = catalogEntries();
  ASSERT_GT(all.size(), 60u);
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (i > 0) {
      EXPECT_LT(all[i - 1].id, all[i].id) << all[i].id;
    }
    EXPECT_EQ(findCatalogEntry(all[i].id), &all[i]) << all[i].id;
  }
}

TEST(SensorCatalog, UnknownIdIsNull) {
  EXPECT_EQ(findCatalogEntry(0), nullptr);
  EXPECT_EQ(findCatalogEntry(57), nullptr);
  EXPECT_EQ(findCatalogEntry(100000), nullptr);
}

}  // namespace
}  // namespace sckd
