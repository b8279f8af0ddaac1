#pragma once
// Shared between the config loader's translation units; not part of the interface.

#include <yaml-cpp/yaml.h>

#include <vector>

#include "config/config.h"
#include "config/yaml_reader.h"

namespace sckd::config_detail {

// Reads `sensors:` (the field, absent when the key is missing) into config.sensors.
void readSensors(const std::optional<Field>& field, SourcePos rootPos, const SensorSchemas& drivers,
                 Config& config, Diagnostics& diag);

}  // namespace sckd::config_detail
