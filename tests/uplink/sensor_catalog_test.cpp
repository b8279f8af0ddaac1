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
}

TEST(SensorCatalog, UnknownIdIsNull) {
  EXPECT_EQ(findCatalogEntry(0), nullptr);
  EXPECT_EQ(findCatalogEntry(57), nullptr);
  EXPECT_EQ(findCatalogEntry(100000), nullptr);
}

}  // namespace
}  // namespace sckd
