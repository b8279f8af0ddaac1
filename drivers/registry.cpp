// The one table of drivers: adding a chip is one row here plus its own file pair.
#include <algorithm>

#include "drivers/driver.h"
#include "drivers/sim.h"

namespace sckd {

const std::vector<DriverInfo>& driverRegistry() {
  // Built on first use, so no static initialisation order depends on other files.
  static const std::vector<DriverInfo> drivers = {
      simDriverInfo(),
  };
  return drivers;
}

const DriverInfo* findDriver(std::string_view name) {
  const auto& drivers = driverRegistry();
  auto it = std::find_if(drivers.begin(), drivers.end(),
                         [name](const DriverInfo& d) { return d.name == name; });
  return it == drivers.end() ? nullptr : &*it;
}

}  // namespace sckd
