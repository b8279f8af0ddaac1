#include "daemon/outbox.h"  // TODO(skeleton): being written
