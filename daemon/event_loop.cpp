#include "daemon/event_loop.h"  // TODO(skeleton): being written
