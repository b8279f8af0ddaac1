#include "drivers/driver.h"  // TODO(skeleton): being written
