#include "config/config.h"  // TODO(skeleton): being written
