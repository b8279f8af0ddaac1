#include "daemon/cli/config_file.h"

#include "drivers/driver.h"

namespace sckd {

Result<Config> loadCommandConfig(const std::string& path) {
  Result<Config> config = loadConfig(path, driverSchemas());
  if (!config.ok() && config.error().code == ErrorCode::Permission) {
    return makeError(ErrorCode::Permission,
                     path + ": permission denied: run with sudo or as a member of group sckd");
  }
  return config;
}

}  // namespace sckd
