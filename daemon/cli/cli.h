#pragma once
// Command-line parsing and dispatch: `sckd [run|check|status|tail] [options]`.

#include "daemon/sampling/hardware.h"

namespace sckd {

// `hardware`: what `run` and `check` read sensors through (tests pass simulated buses).
int runCli(int argc, char** argv, const Hardware& hardware = linuxHardware());

}  // namespace sckd
