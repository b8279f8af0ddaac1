#pragma once
// The config as the commands read it: validated against the real driver table, and a file
// the user may not read explained in words that say what to do.

#include <string>

#include "config/config.h"

namespace sckd {

// loadConfig() with driverSchemas(). /etc/sckd.yaml is 0640 root:sckd (it holds the
// token): a user outside group sckd gets "permission denied: run with sudo or as a member
// of group sckd", not a message that reads like a broken config.
Result<Config> loadCommandConfig(const std::string& path);

}  // namespace sckd
