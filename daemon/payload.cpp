#include "daemon/payload.h"  // TODO(skeleton): being written
