#pragma once
// Reading a whole small file (the config, a CA bundle, a sysfs attribute) with a bound, so a
// file pointed at by mistake (a log, a disk image) costs one clear error, not the memory
// and the time to parse it.

#include <cstddef>
#include <string>

#include "daemon/base/result.h"

namespace sckd {

// The whole content of `path`. A file over `maxBytes` is an ErrorCode::Invalid error that
// names its size and the limit; one that cannot be opened or read carries the errno's code.
Result<std::string> readFileBounded(const std::string& path, std::size_t maxBytes);

}  // namespace sckd
