#include "daemon/publisher.h"  // TODO(skeleton): being written
