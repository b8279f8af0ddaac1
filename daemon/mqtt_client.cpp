#include "daemon/mqtt_client.h"  // TODO(skeleton): being written
