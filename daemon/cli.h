#pragma once
// Command-line parsing and dispatch: `sckd [run|check|status|tail] [options]`.

namespace sckd {

int runCli(int argc, char** argv);

}  // namespace sckd
