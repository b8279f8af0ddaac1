#include "daemon/scheduler.h"  // TODO(skeleton): being written
